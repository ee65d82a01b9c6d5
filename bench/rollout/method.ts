/** One way to replace v1 with v2 on a port, as the bench drives it. */
export interface Method {
  readonly id: string;
  readonly label: string;
  /** How many v2 containers it must start (the floor of the same shape starts as many at once). Default 1. */
  readonly containers?: number;
  /** Makes v1 the only version answering and returns the URL clients use. */
  serveV1(): Promise<string>;
  /** Replaces v1 with v2 (the measured part); resolves when the tool says it is done. */
  updateToV2(): Promise<void>;
  /** Removes whatever it created. */
  close(): Promise<void>;
}

export interface Images {
  readonly v1: string;
  readonly v2: string;
}
