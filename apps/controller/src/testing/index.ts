export { type AwsStateNames, awsControllerEnv, createAwsState } from './aws-state.js';
export { type ClusterOptions, ControllerCluster } from './cluster.js';
export { type ControllerProcess, startControllerProcess } from './controller-process.js';
