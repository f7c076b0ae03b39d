export type { DescribeEnvironmentOptions } from './describe-environment.js';
export { describeEnvironment } from './describe-environment.js';
