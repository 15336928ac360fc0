/** The NATS connection could not be set up: bad settings, unreachable servers, refused credentials. */
export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
}
