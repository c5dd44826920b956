// The deployment manifests (deploy/k8s) and the production compose file, checked offline: every overlay
// renders with kustomize (built once by deploy/scripts/k8s-tools.sh) and validates against the Kubernetes
// schemas (kubernetes-validate, strict) and the committed KEDA CRD (deploy/k8s/validate.py); broken
// fixtures fail. Run by `npm test` (node --test deploy/test).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const python = join(root, '.tools', 'venv', 'bin', 'python');
const validator = join(root, 'deploy', 'k8s', 'validate.py');
const crds = join(root, 'deploy', 'k8s', 'crds');
const broken = join(__dirname, 'fixtures', 'k8s-broken');
const overlays = readdirSync(join(root, 'deploy', 'k8s', 'overlays'));

const run = (cmd, args, input) => spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
const validate = (files, input) => run(python, [validator, '--crds', crds, ...files], input);

/** The rendered YAML documents, as objects (parsed by the venv's PyYAML, the validator's own parser). */
function parse(yaml) {
  const script = 'import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))';
  return JSON.parse(execFileSync(python, ['-c', script], { input: yaml, encoding: 'utf8' }));
}

let kustomize;
let work;
test.before(() => {
  kustomize = execFileSync('bash', [join(root, 'deploy', 'scripts', 'k8s-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  // A copy, so the secret files the overlays read are throwaway ones made here, never a real overlay's.
  work = mkdtempSync(join(tmpdir(), 'vt-k8s-'));
  cpSync(join(root, 'deploy', 'k8s'), join(work, 'k8s'), {
    recursive: true,
    filter: (src) => !/\/overlays\/[^/]+\/secrets(\/|$)/.test(src),
  });
  for (const overlay of overlays) {
    execFileSync(
      'bash',
      [join(root, 'deploy', 'scripts', 'k8s-secrets.sh'), join(work, 'k8s', 'overlays', overlay)],
      {
        env: { ...process.env, DATABASE_URL: 'postgres://vibetribe:secret@postgres:5432/vibetribe' },
        stdio: 'ignore',
      },
    );
  }
});
test.after(() => work && rmSync(work, { recursive: true, force: true }));

for (const overlay of ['production', 'staging']) {
  test(`overlay ${overlay}: renders, and every resource validates (Kubernetes schemas, KEDA CRD)`, () => {
    assert.ok(overlays.includes(overlay));
    const built = run(kustomize, ['build', join(work, 'k8s', 'overlays', overlay)]);
    assert.equal(built.status, 0, built.stderr);
    const checked = validate(['-'], built.stdout);
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /ok {4}ScaledObject\/worker \(CRD schema\)/);
    assert.doesNotMatch(checked.stdout, /FAIL/);

    const docs = parse(built.stdout);
    const of = (kind) => docs.filter((d) => d.kind === kind);
    const deployments = of('Deployment');
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [
      'gateway',
      'media',
      'realtime',
      'worker',
    ]);
    for (const d of deployments) {
      const [c] = d.spec.template.spec.containers;
      assert.equal(c.livenessProbe.httpGet.path, '/healthz', d.metadata.name);
      assert.equal(c.readinessProbe.httpGet.path, '/readyz', d.metadata.name);
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${d.metadata.name} requests`);
      assert.ok(
        of('PodDisruptionBudget').some(
          (p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === d.metadata.name,
        ),
        `${d.metadata.name} has a PodDisruptionBudget`,
      );
      // Every secret a pod names is one the overlay generated (hash-suffixed names resolved).
      const secrets = new Set(of('Secret').map((s) => s.metadata.name));
      const named = [
        ...(c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])),
        ...(d.spec.template.spec.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
      ];
      for (const name of named) assert.ok(secrets.has(name), `${d.metadata.name} names secret ${name}`);
    }
    // Only the gateway holds the signing key.
    const mountsSigning = deployments.filter((d) =>
      (d.spec.template.spec.volumes ?? []).some((v) =>
        v.secret?.secretName.startsWith('vibetribe-jwt-signing'),
      ),
    );
    assert.deepEqual(
      mountsSigning.map((d) => d.metadata.name),
      ['gateway'],
    );
    // The worker scales on its task queues' backlog; migrations are a Job of their own.
    const [scaled] = of('ScaledObject');
    assert.equal(scaled.spec.scaleTargetRef.name, 'worker');
    assert.deepEqual(
      scaled.spec.triggers.map((t) => [t.type, t.metadata.taskQueue]),
      [
        ['temporal', 'vibetribe-publishing'],
        ['temporal', 'vibetribe-periodic'],
      ],
    );
    const [job] = of('Job');
    assert.deepEqual(job.spec.template.spec.containers[0].command, [
      'node',
      'packages/database/dist/migrate-main.js',
    ]);
    assert.ok(docs.every((d) => !d.metadata.namespace || d.metadata.namespace === docs[0].metadata.name));
  });
}

test('the validator refuses broken manifests, naming the resource and the field', () => {
  const cases = {
    'deployment-port.yaml': /Deployment\/broken-port .*containerPort: 'http' is not of type 'integer'/,
    'deployment-unknown-field.yaml': /Deployment\/broken-field .*'periodSecond' was unexpected/,
    'scaledobject.yaml': /ScaledObject\/broken .*'scaleTargetRef' is a required property/,
    'unknown-kind.yaml': /Widget\/broken .*no schema for example.com\/v1 Widget/,
  };
  assert.deepEqual(readdirSync(broken).sort(), Object.keys(cases).sort());
  for (const [file, expected] of Object.entries(cases)) {
    const r = validate([join(broken, file)]);
    assert.equal(r.status, 1, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, expected);
  }
  // Nothing to check is a failure too, not a pass.
  assert.equal(validate(['-'], '').status, 2);
});

test('a broken overlay does not render', () => {
  const dir = join(work, 'k8s', 'overlays', 'broken');
  cpSync(join(work, 'k8s', 'overlays', 'production'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    'resources:\n  - ../../base\npatches:\n  - path: missing.yaml\n',
  );
  const built = run(kustomize, ['build', dir]);
  assert.notEqual(built.status, 0);
  assert.match(built.stderr, /missing\.yaml/);
});

test('the compose files validate against the Compose spec; a broken one does not', () => {
  const check = (...args) => run(python, [join(root, 'deploy', 'docker', 'validate_compose.py'), ...args]);
  const ok = check(join(root, 'docker-compose.production.yml'));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  // The development one builds its images, and waits for its migrate service too.
  const dev = check('--build', join(root, 'docker-compose.yml'));
  assert.equal(dev.status, 0, dev.stdout + dev.stderr);
  assert.equal(check(join(root, 'docker-compose.yml')).status, 1, 'production files must name images');
  const bad = check(join(__dirname, 'fixtures', 'compose-broken.yml'));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /depends_on: no service 'migrations'/);
  assert.match(bad.stdout, /ports/);
});
