// POST /v1/chat/completions: the request (its messages, model settings and tools) → the CLI's
// command and input → refused at once while a usage window it needs is spent (or, with
// EXTRA_USAGE=off, answered on extra usage) → a CLI process (warm or fresh) → its lines read into an
// answer (and the usage windows and extra usage they report) → streamed or whole.
// A client that hangs up stops its CLI; so does an answer cut at its output limit.
import { ApiError, sendError } from "@clawbridge/openai";
import type { RequestHandler, Response } from "express";
import { chosenModel, cliCommand, type CliCommand } from "../cli/command.ts";
import {
  cliExited,
  cliFailedToStart,
  cliRefusedInput,
  cliTimedOut,
  cliUnreadable,
  resultError,
} from "../cli/errors.ts";
import { cliInput, type SystemPromptPlacement } from "../cli/input.ts";
import { CliRun, type CliEnd } from "../cli/run.ts";
import { controlError, isRateLimitEvent, isSystemInit, type RateLimitInfo } from "../cli/stream-json.ts";
import type { Limits } from "../limits/limits.ts";
import { Completion } from "../openai/completion.ts";
import { clientTools, type ClientTools } from "../tools/client-tools.ts";
import type { CliStarter } from "../warm/pool.ts";
import { Answer } from "./answer.ts";
import { modelSettings } from "./model-settings.ts";
import { parseChatRequest, type ChatRequest } from "./request.ts";
import { streamed, whole, type Responder } from "./respond.ts";

export interface ChatOptions {
  cli: CliStarter;
  limits: Limits;
  cliTimeoutMs: number;
  retryAfterSeconds: number;
  /** SYSTEM_PROMPT: where the request's system messages go (cli/input.ts). */
  systemPrompt: SystemPromptPlacement;
}

/** What a valid request becomes before any process starts. */
interface Turn {
  request: ChatRequest;
  command: CliCommand;
  stdin: string;
  tools: ClientTools | undefined;
}

export function chatRoute(options: ChatOptions): RequestHandler {
  return (req, res) => {
    const turn = prepare(req.body, res, options.systemPrompt);
    if (turn instanceof ApiError) {
      sendError(res, turn);
      return;
    }
    const { windows, extraUsage } = options.limits;
    const spent = windows.spentFor(turn.command.family);
    const refused = spent ? windows.refuse(spent) : extraUsage.refuse(turn.command.family);
    if (refused) sendError(res, refused);
    else run(turn, res, options);
  };
}

/** The request checked and turned into the CLI's command and input, or the 400 it gets. */
function prepare(body: unknown, res: Response, systemPrompt: SystemPromptPlacement): Turn | ApiError {
  const request = parseChatRequest(body);
  if (request instanceof ApiError) return request;
  res.locals.model = request.model;
  const model = chosenModel(request.model);
  if (model instanceof ApiError) return model;
  const input = cliInput(request, systemPrompt);
  if (input instanceof ApiError) return input;
  const settings = modelSettings(body);
  if (settings instanceof ApiError) return settings;
  const tools = clientTools(request);
  if (tools instanceof ApiError) return tools;
  res.locals.images = input.images;
  res.locals.systemPromptChars = input.systemPromptChars;
  res.locals.tools = request.tools?.length ?? 0;
  res.locals.settings = Object.keys(settings).length > 0 ? settings : undefined;
  return { request, command: cliCommand(model, request.user, tools?.flags, settings), stdin: input.stdin, tools };
}

function run({ request, command, stdin, tools }: Turn, res: Response, options: ChatOptions): void {
  const answer = new Answer(tools?.turn);
  const completion = new Completion(() => answer.model ?? request.model);
  const respond: Responder = request.stream
    ? streamed(res, completion, request.stream_options?.include_usage === true)
    : whole(res, completion);
  res.once("close", () => tools?.dispose());
  let child;
  try {
    child = options.cli.start(command, res.locals.requestId);
  } catch (error) {
    respond.fail(cliFailedToStart(error as Error));
    return;
  }
  res.locals.cliPid = child.pid;

  let runEnded = () => {};
  res.locals.cliEnded = new Promise<void>((resolve) => (runEnded = resolve)); // the log line of an aborted request waits for it
  let rateLimit: RateLimitInfo | undefined;
  let cliVersion: string | undefined;
  let settled = false; // the response is finished or failed: what comes after only ends the run
  let clientGone = false;
  const cli = new CliRun(child, stdin, {
    timeoutMs: options.cliTimeoutMs,
    line(line) {
      if (isSystemInit(line)) cliVersion = line.claude_code_version;
      if (isRateLimitEvent(line) && line.rate_limit_info) {
        rateLimit = line.rate_limit_info;
        options.limits.windows.record(rateLimit);
        options.limits.extraUsage.record(rateLimit);
      }
      const refused = controlError(line);
      if (refused !== undefined && !settled) {
        // the CLI did not take the system prompt: it would answer with its own instead
        settled = true;
        respond.fail(cliRefusedInput(refused));
        cli.kill();
        return;
      }
      for (const delta of answer.read(line)) respond.delta(delta);
      if (answer.cutAtLimit && !settled) {
        // stopped at once: the CLI's next move, milliseconds later, is a request asking the model to resume
        settled = true;
        respond.finish(answer);
        cli.kill("SIGKILL");
        return;
      }
      if (line.type !== "result" || settled) return;
      settled = true;
      cli.resultGiven();
      if (answer.succeeded) respond.finish(answer);
      else {
        res.locals.cliStderr = cli.diagnostics || undefined;
        respond.fail(
          resultError(answer.result ?? {}, {
            rateLimit,
            limits: options.limits,
            retryAfterSeconds: options.retryAfterSeconds,
            model: answer.model,
            cliVersion,
          }),
        );
      }
    },
    end(end: CliEnd) {
      res.locals.cliExit = end.kind === "closed" ? (end.code ?? end.signal ?? "unknown") : end.kind;
      runEnded();
      if (settled || clientGone) return;
      settled = true;
      res.locals.cliStderr = cli.diagnostics || undefined;
      respond.fail(runError(end, options.cliTimeoutMs));
    },
  });
  res.once("close", () => {
    if (res.writableFinished) return;
    clientGone = true; // the client hung up: stop its CLI, and answer nobody
    cli.kill();
  });
}

/** A run that ended without a result, as the client's error. */
function runError(end: CliEnd, cliTimeoutMs: number): ApiError {
  switch (end.kind) {
    case "timeout":
      return cliTimedOut(cliTimeoutMs);
    case "failed":
      return cliFailedToStart(end.error);
    case "unreadable":
      return cliUnreadable(end.error);
    case "closed":
      return cliExited(end.code, end.signal);
  }
}
