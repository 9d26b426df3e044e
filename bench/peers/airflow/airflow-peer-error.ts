/** The Airflow peer could not run or a deletion through it failed; the message says where to look. */
export class AirflowPeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AirflowPeerError';
  }
}
