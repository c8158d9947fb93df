// Environments for config-init tests: the least a valid setup needs (fake secrets).
export const SETUP_TOKEN = `sk-ant-oat01-${"x".repeat(95)}`;
export const BASE_ENV = {
  OPENCLAW_GATEWAY_TOKEN: "gateway-token-0123456789",
  PROXY_API_KEY: "proxy-key-0123456789abcdef",
};
