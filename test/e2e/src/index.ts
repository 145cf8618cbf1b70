export { type PushPlatform, type StartPushPlatformOptions, startPushPlatform } from './push-platform.js';
