import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { metrics, ObservableCallback, ObservableGauge } from '@opentelemetry/api';
import { InvalidRequestBudget } from './invalid-request.budget';

/** The invalid-request budget as a gauge (`discord.invalid_requests`: used in the window, with the budget as an attribute). */
@Injectable()
export class DiscordBudgetMetrics implements OnModuleDestroy {
  private readonly gauge: ObservableGauge;
  private readonly observe: ObservableCallback;

  constructor(budget: InvalidRequestBudget) {
    this.gauge = metrics.getMeter('discord').createObservableGauge('discord.invalid_requests', {
      description: 'Invalid Discord answers (401/403/429) in the last 10 minutes; calls are held back at the budget',
      unit: '{request}',
    });
    this.observe = (result) => result.observe(budget.used(), { 'discord.invalid_requests.budget': budget.threshold });
    this.gauge.addCallback(this.observe);
  }

  onModuleDestroy(): void {
    this.gauge.removeCallback(this.observe);
  }
}
