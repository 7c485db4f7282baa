// The Nx plugin entry: kept light, because Nx loads it before every command.
export { createNodes, createNodesV2 } from './nx/plugin';
