export { type AgentProcess, type AgentProcessOptions, startAgentProcess } from './agent-process.js';
export { type PushPlatform, type StartPushPlatformOptions, startPushPlatform } from './push-platform.js';
export { WEB_SERVICE_YAML } from './web-service.js';
