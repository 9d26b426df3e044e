export interface Health {
  healthy: boolean;
  detail: string;
}

/** One server of the local stack. Every method is idempotent. */
export interface Component {
  name: string;
  address: string;
  logFile: string;
  install(): Promise<void>;
  start(): Promise<void>;
  health(): Promise<Health>;
  stop(): Promise<void>;
  purge(): Promise<void>;
}
