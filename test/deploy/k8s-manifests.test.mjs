// The Kubernetes manifests (infra/k8s), checked without a cluster: every object against the real
// Kubernetes and KEDA schemas (kubernetes-models, @kubernetes-models/keda), then the invariants that
// keep a rollout or a scale-in from losing or doubling work. Run by `npm test` (npm run test:deploy).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const K8S = path.join(ROOT, 'infra', 'k8s');
const MODELS = {
  Deployment,
  Service,
  ServiceAccount,
  ConfigMap,
  PodDisruptionBudget,
  ScaledObject,
  TriggerAuthentication,
};

// The apps' own defaults (libs/config/src/environment.ts) for settings a manifest may leave out.
const DEFAULTS = {
  SHUTDOWN_DRAIN_TIMEOUT_MS: 7000,
  SQS_VISIBILITY_TIMEOUT: 30,
  DATABASE_STATEMENT_TIMEOUT_MS: 30000,
  DISCORD_REQUEST_TIMEOUT_MS: 15000,
};
const HARD_DEADLINE_MARGIN_S = 2.5; // libs/runtime/src/bootstrap.ts exits at the drain deadline + 2.5 s
const PG_CLIENT_MARGIN_S = 5; // the pg client gives up 5 s after the statement timeout
const GRACE_MARGIN_S = 5;

/** Every file listed in kustomization.yaml, parsed (no cluster, no kustomize needed). */
function loadObjects() {
  const kustomization = parseAllDocuments(readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8'))[0].toJS();
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8')).map((d) => d.toJS()),
  );
}
const objects = loadObjects();
const find = (kind, name) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is missing`);
  return found;
};
const config = find('ConfigMap', 'discord-queue-backbone-config').data;
/** A setting as the container sees it: its own env, then the ConfigMap, then the app's default. */
function setting(container, name) {
  const own = container.env?.find((e) => e.name === name)?.value;
  return Number(own ?? config[name] ?? DEFAULTS[name]);
}
const containerOf = (deployment) => deployment.spec.template.spec.containers[0];
const preStopSeconds = (container) => container.lifecycle?.preStop?.sleep?.seconds ?? 0;

describe('Kubernetes manifests (infra/k8s)', () => {
  it('are valid against the Kubernetes and KEDA schemas', () => {
    assert.ok(objects.length >= 10);
    for (const object of objects) {
      const Model = MODELS[object.kind];
      assert.ok(Model, `no schema for ${object.kind}: add it to MODELS`);
      assert.doesNotThrow(() => new Model(object).validate(), `${object.kind}/${object.metadata.name}`);
    }
  });

  for (const app of ['api', 'worker']) {
    it(`${app}: the grace period covers the drain deadline, the hard-deadline margin and the preStop pause`, () => {
      const deployment = find('Deployment', app);
      const container = containerOf(deployment);
      const needed =
        preStopSeconds(container) +
        setting(container, 'SHUTDOWN_DRAIN_TIMEOUT_MS') / 1000 +
        HARD_DEADLINE_MARGIN_S +
        GRACE_MARGIN_S;
      assert.ok(
        deployment.spec.template.spec.terminationGracePeriodSeconds >= needed,
        `${app}: terminationGracePeriodSeconds < ${needed}`,
      );
    });

    it(`${app}: liveness asks only whether the process answers; readiness asks the dependencies`, () => {
      const container = containerOf(find('Deployment', app));
      assert.equal(container.livenessProbe.httpGet.path, '/health/live');
      assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
      assert.equal(container.startupProbe?.httpGet.path ?? '/health/live', '/health/live');
    });

    it(`${app}: a disruption budget keeps replicas up during node drains`, () => {
      const pdb = find('PodDisruptionBudget', app);
      assert.deepEqual(pdb.spec.selector.matchLabels, find('Deployment', app).spec.selector.matchLabels);
    });
  }

  it('the SQS visibility timeout outlasts the longest step of any handler', () => {
    const container = containerOf(find('Deployment', 'worker'));
    const longestStep = Math.max(
      setting(container, 'DATABASE_STATEMENT_TIMEOUT_MS') / 1000 + PG_CLIENT_MARGIN_S,
      setting(container, 'DISCORD_REQUEST_TIMEOUT_MS') / 1000,
    );
    // The visibility the consumers receive with (and renew every third of it while they hold a message)…
    assert.ok(setting(container, 'SQS_VISIBILITY_TIMEOUT') >= longestStep, `SQS_VISIBILITY_TIMEOUT < ${longestStep}`);
    // …and each queue's own default (Terraform), for any receive that does not set one.
    for (const [queue, seconds] of terraformVisibilityTimeouts()) {
      assert.ok(seconds >= longestStep, `${queue}: visibility_timeout_seconds ${seconds} < ${longestStep}`);
    }
  });

  it('KEDA scales the worker on every queue it consumes, counting in-flight messages', () => {
    const scaled = find('ScaledObject', 'worker');
    assert.equal(scaled.spec.scaleTargetRef.name, 'worker');
    assert.equal(find('Deployment', 'worker').spec.replicas, undefined, 'the HPA owns the worker replica count');
    const queueSettings = {
      'prize-distribution': 'AWS_SQS_QUEUE_URL',
      discord: 'DISCORD_QUEUE_URL',
      'bot-operations': 'BOT_OPERATIONS_QUEUE_URL',
      campaign: 'CAMPAIGN_QUEUE_URL',
    };
    const consumers = containerOf(find('Deployment', 'worker'))
      .env.find((e) => e.name === 'WORKER_CONSUMERS')
      .value.split(',');
    const triggers = scaled.spec.triggers;
    for (const consumer of consumers) {
      const url = config[queueSettings[consumer]];
      assert.ok(url, `${consumer}: no queue URL in the ConfigMap`);
      const trigger = triggers.find((t) => t.metadata.queueURL === url);
      assert.ok(trigger, `${consumer}: no aws-sqs-queue trigger on ${url}`);
      assert.equal(trigger.type, 'aws-sqs-queue');
      assert.equal(trigger.metadata.scaleOnInFlight, 'true');
      assert.equal(trigger.authenticationRef.name, find('TriggerAuthentication', 'worker-sqs').metadata.name);
    }
    assert.ok(
      scaled.spec.minReplicaCount >= 1,
      'scaling to zero would stop the relay ingest and delay the first message',
    );
  });

  it('secrets come from a Secret, never from the manifests', () => {
    for (const name of ['DATABASE_URL', 'DISCORD_BOT_TOKEN', 'API_KEYS', 'API_ADMIN_KEYS'])
      assert.equal(config[name], undefined, name);
    for (const app of ['api', 'worker']) {
      const container = containerOf(find('Deployment', app));
      assert.ok(container.envFrom.some((e) => e.secretRef?.name === 'discord-queue-backbone-secrets'));
      assert.ok(!container.env.some((e) => /TOKEN|KEY|PASSWORD|DATABASE_URL/.test(e.name) && e.value));
    }
  });
});

/** visibility_timeout_seconds of every queue module in infra/environments/*\/main.tf. */
function terraformVisibilityTimeouts() {
  const dir = path.join(ROOT, 'infra', 'environments');
  const found = [];
  for (const env of ['prize-distribution', 'order-threads', 'bot-operations', 'campaigns']) {
    const tf = readFileSync(path.join(dir, env, 'main.tf'), 'utf8');
    for (const match of tf.matchAll(/module "([^"]+)"[\s\S]*?visibility_timeout_seconds\s*=\s*(\d+)/g))
      found.push([`${env}/${match[1]}`, Number(match[2])]);
  }
  assert.ok(found.length >= 5, 'expected a visibility timeout per queue in infra/environments');
  return found;
}
