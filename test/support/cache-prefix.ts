// How much of each request Anthropic's prompt cache could serve from the request before it, from
// the blocks the mock Anthropic API records (RecordedPrompt.blocks: tools, system, messages, in the
// cache's order). The previous request wrote a cache entry at each of its breakpoints (a block with
// cache_control); the current one reads the longest of them whose whole prefix it repeats block for
// block. Only the previous request counts (the cache keeps more, but a conversation that stays
// cacheable turn after turn hits the entry of the turn before), and the current request's own
// breakpoints are not checked. Pure functions, no I/O.
import type { PromptBlock } from "./mock-anthropic-api.ts";

type Blocks = { readonly blocks: readonly PromptBlock[] };
/** A recorded request (its `prompt`), or its prompt, or anything with blocks. */
export type Prompted = Blocks | { readonly prompt: Blocks | null };

const blocksOf = (request: Prompted): readonly PromptBlock[] =>
  "blocks" in request ? request.blocks : (request.prompt?.blocks ?? []);
const sum = (blocks: readonly PromptBlock[]) => blocks.reduce((total, block) => total + block.bytes, 0);
// the hash covers type and content; kind and role place the block (a user's "hi" is not the assistant's)
const same = (a: PromptBlock, b: PromptBlock) =>
  a.kind === b.kind && a.role === b.role && a.type === b.type && a.hash === b.hash;

/** Bytes of each request: the sum of its blocks' bytes (0 for a request without a prompt). */
export function requestBytes(requests: readonly Prompted[]): number[] {
  return requests.map((request) => sum(blocksOf(request)));
}

/** Bytes of `current` in the longest prefix of `previous` that ends at a breakpoint and that `current` starts with. */
export function cachedPrefixBytes(previous: Prompted, current: Prompted): number {
  const before = blocksOf(previous);
  const now = blocksOf(current);
  let common = 0;
  while (
    common < before.length &&
    common < now.length &&
    same(before[common] as PromptBlock, now[common] as PromptBlock)
  )
    common += 1;
  const end = before.slice(0, common).findLastIndex((block) => block.cacheControl !== undefined);
  return sum(now.slice(0, end + 1));
}

/** For each request after the first, the share (0..1) of its bytes in a prefix the previous request cached (0 for a request of no bytes). */
export function cachePrefixShares(requests: readonly Prompted[]): number[] {
  return requests.slice(1).map((current, i) => {
    const bytes = sum(blocksOf(current));
    return bytes === 0 ? 0 : cachedPrefixBytes(requests[i] as Prompted, current) / bytes;
  });
}

/** Mean and lowest of the shares (NaN for none, so that a comparison with them fails). */
export function summarize(shares: readonly number[]): { count: number; mean: number; min: number } {
  if (shares.length === 0) return { count: 0, mean: NaN, min: NaN };
  return { count: shares.length, mean: shares.reduce((a, b) => a + b, 0) / shares.length, min: Math.min(...shares) };
}
