import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SwitchyardConfig } from '@switchyard/contracts';
import { SERVICE_CONFIG, type ServiceDefinition } from '@switchyard/service';
import { AccessPolicy } from './auth/api-key.policy.js';
import { GatewayModule } from './gateway.module.js';
import { configureFastify } from './http/fastify-setup.js';
import { REQUEST_ID_HEADER, requestIdFor } from './http/request-id.js';
import { GatewayMetrics } from './metrics/gateway-metrics.service.js';

/**
 * The gateway as a service: a Nest application on Fastify, listening on `gateway.host:port`
 * once it is initialised. Tests run it in-process with `runService(gatewayService, source)`.
 */
export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  rootModule: GatewayModule,
  async createApplication(module, logger, { gateway }) {
    const adapter = new FastifyAdapter({
      genReqId: (request: IncomingMessage) => requestIdFor(request.headers[REQUEST_ID_HEADER]),
      return503OnClosing: true,
      // In-flight answers have finished or been cancelled (InFlightRequests) by the time the
      // server closes, so whatever connection is left is idle or stuck: close it.
      forceCloseConnections: true,
      // Fastify turns Node's bound on receiving a request off (0), where a body sent a byte at a
      // time would hold its connection, and what it sent, for ever: 408 after the bound. Node
      // takes it only when the server is made (its headers' bound is then kept within it; set
      // afterwards, a trickled body went on past it), and looks for such requests every
      // `connectionsCheckingInterval` (30 s unless told).
      requestTimeout: gateway.receive_timeout_ms,
      http: {
        requestTimeout: gateway.receive_timeout_ms,
        connectionsCheckingInterval: receiveCheckInterval(gateway.receive_timeout_ms),
      },
    });
    const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
      logger,
      abortOnError: false,
      // Bodies are parsed below, the same way whatever the content type says.
      bodyParser: false,
    });
    const config = app.get<SwitchyardConfig>(SERVICE_CONFIG);
    configureFastify(adapter.getInstance(), config.gateway, app.get(GatewayMetrics));
    return app;
  },
  async afterInit(app, context) {
    const { host, port } = context.config.gateway;
    const http = app as NestFastifyApplication;
    await http.listen(port, host);
    const address = http.getHttpServer().address() as AddressInfo;
    context.logger.info(
      {
        host: address.address,
        port: address.port,
        url: `http://${hostForUrl(address)}:${address.port}`,
        access: new AccessPolicy(context.config.gateway).describe(),
      },
      'gateway listening',
    );
  },
};

/** A request over the receive bound is closed within a quarter of it more (at most 30 s more). */
function receiveCheckInterval(receiveTimeoutMs: number): number {
  return Math.min(30_000, Math.max(100, Math.ceil(receiveTimeoutMs / 4)));
}

function hostForUrl(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
