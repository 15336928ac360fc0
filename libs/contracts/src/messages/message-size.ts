/**
 * The largest NATS message the fleet is set up for: the `max_payload` of the nats-servers the
 * deployment ships (`deploy/nats/*.conf`) and `switchyard up` starts. A request travels to its
 * worker as one message, and base64 images make a chat request large: nats-server's own default,
 * 1 MiB, would refuse a phone photo. A server set lower is read at connect time and wins.
 */
export const FLEET_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;
