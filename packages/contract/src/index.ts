export * from './admin.js';
export * from './error-body.js';
export * from './invoke.js';
