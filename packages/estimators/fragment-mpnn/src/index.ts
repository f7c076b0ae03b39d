export type {
  FragmentFeatureLayout,
  FragmentMpnnOptions,
  FragmentMpnnPolicy,
} from './mpnn.js';
export { fragmentMpnnPolicy } from './mpnn.js';
