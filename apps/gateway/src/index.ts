// The gateway as a service definition, for its main and for tests that run it in-process.
export { gatewayService } from './gateway-service.js';
