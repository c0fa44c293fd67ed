export * from './admin.js';
export * from './approval.js';
export * from './error-body.js';
export * from './invoke.js';
export * from './policies.js';
