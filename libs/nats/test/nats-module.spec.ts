import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Subjects } from '@switchyard/contracts';
import { getMonitoringJson, startNatsServer, type NatsServer } from '@switchyard/testing';
import {
  ConnectionWatch,
  InjectNats,
  NATS_CONNECTION,
  NatsModule,
  type NatsConfigInput,
  type NatsConnection,
} from '../src/index.js';

@Injectable()
class Pinger {
  constructor(
    @InjectNats() readonly nc: NatsConnection,
    readonly subjects: Subjects,
  ) {}
}

const CONFIG = Symbol('config');

describe('NatsModule', () => {
  let nats: NatsServer;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  async function connectionNames(): Promise<string[]> {
    const connz = await getMonitoringJson<{ connections: { name?: string }[] }>(
      `${nats.monitorUrl}/connz`,
    );
    return connz.connections.map((connection) => connection.name ?? '');
  }

  it('forRoot provides one connection and the Subjects, and drains it on shutdown', async () => {
    @Module({
      imports: [
        NatsModule.forRoot({
          config: { servers: [nats.url], subject_prefix: 'acme' },
          name: 'gateway',
        }),
      ],
      providers: [Pinger],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const pinger = app.get(Pinger);
    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    expect(pinger.nc).toBe(nc);
    expect(pinger.subjects.prefix).toBe('acme');
    await nc.flush();
    expect(await connectionNames()).toContain('gateway');
    const connection = app.get(ConnectionWatch);
    expect(connection.lost).toBe(false);
    expect(connection.unavailable()).toBeUndefined();

    await app.close();
    expect(nc.isClosed()).toBe(true);
    expect(connection.unavailable()?.message).toBe('the NATS connection is closed');
  });

  it('forRootAsync builds its options from injected configuration', async () => {
    @Module({
      providers: [{ provide: CONFIG, useValue: { servers: [nats.url] } satisfies NatsConfigInput }],
      exports: [CONFIG],
    })
    class ConfigModule {}

    @Module({
      imports: [
        NatsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: NatsConfigInput) => ({ config, name: 'worker' }),
        }),
      ],
      providers: [Pinger],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const { nc, subjects } = app.get(Pinger);
    expect(subjects.prefix).toBe('switchyard');
    await nc.flush();
    expect(await connectionNames()).toContain('worker');
    await app.close();
    expect(nc.isClosed()).toBe(true);
  });
});
