/**
 * @emr/cluster — a real one-node Kubernetes cluster on machines without Docker, and the project's images built
 * without a container engine (one description per image, from which the Dockerfiles follow too).
 */
export { Cluster, type ClusterStatus } from './cluster';
export { ClusterError } from './exec';
export { clusterSettings, ClusterLayout, NETWORK, PORTS, type ClusterSettings } from './settings';
export { KubeClient, httpCall, waitFor, type KubeObject } from './kube-client';
export { IMAGES, IMAGE_PATHS, findImage, REPOSITORY } from './images/catalog';
export type { ImageDescription } from './images/description';
export { captureHostState, diffHostState, type HostState } from './host/state';
