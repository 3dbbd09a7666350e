/**
 * An enrolled X.509 identity: what a CA returned for one enrollment, in PEM.
 * The private key never leaves the process except into files with mode 0600 or Kubernetes Secrets.
 */
export interface Identity {
  /** MSP ID of the organization that issued the certificate. */
  readonly mspId: string;
  /** Signing (or TLS) certificate, PEM. */
  readonly certificate: string;
  /** PKCS#8 private key, PEM. */
  readonly privateKey: string;
}
