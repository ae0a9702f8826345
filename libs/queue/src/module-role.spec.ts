import { ConfigurableModuleBuilder, Controller, Injectable, Module } from '@nestjs/common';
import { RoleModuleExtras, withRole } from './module-role';

@Injectable()
class Producer {}
@Injectable()
class Poller {}
@Controller('example')
class Routes {}

const OPTIONS = Symbol('OPTIONS');
const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<{ url?: string }>({ optionsInjectionToken: OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<RoleModuleExtras>(
    { isGlobal: false, role: 'producer', routes: true },
    withRole({
      producer: { controllers: [Routes], providers: [Producer], exports: [Producer] },
      consumer: { providers: [Poller] },
    }),
  )
  .build();
@Module({})
class ExampleModule extends ConfigurableModuleClass {}

describe('withRole', () => {
  it('adds the producer side by default and the consumer side when asked, beside the options provider', () => {
    const producer = ExampleModule.forRoot({ url: 'u' });
    expect(producer.providers).toEqual([{ provide: OPTIONS, useValue: { url: 'u' } }, Producer]);
    expect(producer.exports).toEqual([Producer]);
    expect(producer.global).toBe(false);

    const consumer = ExampleModule.forRootAsync({ role: 'consumer', isGlobal: true, useFactory: () => ({}) });
    expect(consumer.providers).toContain(Poller);
    expect(consumer.providers).not.toContain(Producer);
    expect(consumer.global).toBe(true);
  });

  it("mounts the side's controllers unless a host that brings its own API says routes: false", () => {
    expect(ExampleModule.forRoot({}).controllers).toEqual([Routes]);
    const host = ExampleModule.forRoot({ routes: false });
    expect(host.controllers).toEqual([]);
    expect(host.providers).toContain(Producer);
  });

  it('refuses a role it does not know, naming the module', () => {
    expect(() => ExampleModule.forRoot({ role: 'worker' as 'consumer' })).toThrow(
      /ExampleModule: role must be 'producer' or 'consumer', not "worker"/,
    );
  });
});
