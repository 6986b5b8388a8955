/** The Kubernetes platform (kind `kubernetes`); see README.md and docs/kubernetes.md. */
export { kubernetesPlatform } from './executor.ts';
