export type { DescribeEnvironmentOptions } from './describe-environment.js';
export { describeEnvironment } from './describe-environment.js';
export type { DescribeBackendOptions } from './describe-backend.js';
export { describeBackend } from './describe-backend.js';
