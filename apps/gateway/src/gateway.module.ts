import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { SwitchyardConfig } from '@switchyard/contracts';
import { serviceNatsModule, SERVICE_CONFIG } from '@switchyard/service';
import { AnthropicController } from './anthropic/anthropic.controller.js';
import { TokenBudget } from './auth/token-budget.js';
import { FleetCatalogue } from './fleet/fleet-catalogue.service.js';
import { FleetRegistry } from './fleet/fleet-registry.service.js';
import { ModelManagement } from './fleet/model-management.service.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { HealthController } from './http/health.controller.js';
import { InFlightRequests } from './http/in-flight-requests.service.js';
import { RequestCaps } from './limits/request-caps.js';
import { GatewayMetrics } from './metrics/gateway-metrics.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { OllamaCatalogueController } from './ollama/ollama-catalogue.controller.js';
import { OllamaManagementController } from './ollama/ollama-management.controller.js';
import { OllamaController } from './ollama/ollama.controller.js';
import { OpenAIController } from './openai/openai.controller.js';
import { ResponseItemStore } from './openai/responses/response-item-store.js';
import { ResponsesController } from './openai/responses/responses.controller.js';
import { AdminController } from './orchestration/admin.controller.js';
import { OrchestratorClient } from './orchestration/orchestrator-client.service.js';
import { FleetRouter } from './routing/fleet-router.service.js';
import { requestStreamClientProvider } from './routing/request-stream.provider.js';

/** The gateway service's root module. */
@Module({
  imports: [serviceNatsModule()],
  controllers: [
    HealthController,
    MetricsController,
    OpenAIController,
    ResponsesController,
    AnthropicController,
    OllamaCatalogueController,
    OllamaController,
    OllamaManagementController,
    AdminController,
  ],
  providers: [
    FleetCatalogue,
    FleetRegistry,
    ModelManagement,
    OrchestratorClient,
    GatewayMetrics,
    FleetRouter,
    requestStreamClientProvider,
    InFlightRequests,
    RequestCaps,
    // A factory: the store's constructor takes its bounds, which Nest would try to inject.
    { provide: ResponseItemStore, useFactory: () => new ResponseItemStore() },
    {
      provide: TokenBudget,
      inject: [SERVICE_CONFIG],
      useFactory: (config: SwitchyardConfig) => new TokenBudget(config.gateway.rate_limit),
    },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class GatewayModule {}
