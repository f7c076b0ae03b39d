// The figures are written like every results file: atomically, with the versions of the packages measured.
export { packageVersions, writeJsonAtomic } from '@gflownet/experiment';
