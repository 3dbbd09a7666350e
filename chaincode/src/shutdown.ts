/**
 * The shim's server stops on SIGTERM. In its container it runs as PID 1 (the node spec's command replaces the
 * image's tini entrypoint), and PID 1 ignores signals it has no handler for: without this a replaced chaincode pod
 * would keep serving its old package ID for the whole grace period, and a peer that reaches it while launching the
 * upgraded package waits on it instead of retrying the new pod.
 */
export function exitOnTermination(): void {
  process.once('SIGTERM', () => process.exit(0));
}
