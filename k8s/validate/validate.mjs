// Offline validation of rendered Kustomize overlays, the Dockerfiles and the compose file (called by validate.sh).
//
//   node validate.mjs --reference <rendered base.yaml> --crds <dir of Strimzi CRDs> --repo <repository root>
//                     [--dockerfiles] [--compose <file>] <name>=<rendered.yaml>[:production] ...
//
// Steps, each printed with its counts: (1) Kubernetes/KEDA/prometheus-operator schemas of kubernetes-models (types,
// required fields, enums, formats); (2) unknown fields, through TypeScript's excess-property check of every object
// typed with the same models (tsc --noEmit); (3) Strimzi CRs against the openAPIV3Schema of Strimzi's own CRDs, with
// unknown fields rejected; (4) the policy rules (RULES below); (5) Dockerfile rules; (6) compose rules.
// Exits 1 when anything is violated, 2 on a usage error.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------------------------
// Arguments and inputs

function parseArgs(argv) {
  const args = { overlays: [], dockerfiles: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--reference") args.reference = argv[++i];
    else if (a === "--crds") args.crds = argv[++i];
    else if (a === "--repo") args.repo = argv[++i];
    else if (a === "--compose") args.compose = argv[++i];
    else if (a === "--dockerfiles") args.dockerfiles = true;
    else if (a.includes("=")) {
      const [name, rest] = a.split("=");
      const [file, flag] = rest.split(":");
      args.overlays.push({ name, file, production: flag === "production" });
    } else usage(`unknown argument ${a}`);
  }
  if (!args.reference || !args.crds || !args.repo) usage("--reference, --crds and --repo are required");
  return args;
}

function usage(message) {
  console.error(`validate.mjs: ${message}`);
  process.exit(2);
}

function readDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter((d) => d && typeof d === "object");
}

const id = (o) => `${o.kind}/${o.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o.metadata?.name}`;

// ---------------------------------------------------------------------------------------------------------------
// Where the schema of each apiVersion/kind lives

function modelModule(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  if (group === "keda.sh") return `@kubernetes-models/keda/keda.sh/${version}/${obj.kind}`;
  if (group === "monitoring.coreos.com") {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${obj.kind}`;
  }
  if (group === "") return `kubernetes-models/${version}/${obj.kind}`;
  return `kubernetes-models/${group}/${version}/${obj.kind}`;
}

const isStrimzi = (obj) => obj.apiVersion?.startsWith("kafka.strimzi.io/");

function moduleExists(mod) {
  return fs.existsSync(path.join(here, "node_modules", `${mod}.d.ts`));
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1: kubernetes-models validate() (types, required, enums, formats; unknown fields are NOT rejected here)

async function schemaStep(overlay, report) {
  let checked = 0;
  for (const obj of overlay.docs) {
    if (isStrimzi(obj)) continue;
    const mod = modelModule(obj);
    if (!moduleExists(mod)) {
      report.fail("schema", overlay.name, id(obj), `no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    const Model = (await import(mod))[obj.kind];
    try {
      new Model(obj).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ");
      report.fail("schema", overlay.name, id(obj), details || e.message);
    }
    checked++;
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: unknown fields. Every object becomes a typed constant; tsc's excess-property check rejects any field
// the model's interface does not declare, at any depth.

function strictStep(overlays, report) {
  const dir = path.join(here, "build", "strict");
  fs.mkdirSync(dir, { recursive: true });
  const lines = [];
  const imports = new Map();
  const owners = []; // [firstLine, lastLine, overlay, object id]
  let n = 0;
  for (const overlay of overlays) {
    for (const obj of overlay.docs) {
      if (isStrimzi(obj)) continue;
      const mod = modelModule(obj);
      if (!moduleExists(mod)) continue; // step 1 reported it
      const alias = `I${obj.kind}_${imports.size}`;
      if (!imports.has(mod)) imports.set(mod, alias);
      const body = JSON.stringify(obj, null, 2).split("\n");
      const first = lines.length + 1;
      lines.push(`export const o${n++}: ${imports.get(mod)} = ${body[0]}`, ...body.slice(1));
      lines[lines.length - 1] += ";";
      owners.push([first, lines.length, overlay.name, id(obj)]);
    }
  }
  const header = [...imports].map(([mod, alias]) => {
    const kind = mod.split("/").pop();
    return `import type { I${kind} as ${alias} } from "${mod}";`;
  });
  const offset = header.length;
  fs.writeFileSync(path.join(dir, "objects.ts"), [...header, ...lines].join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: true, target: "ES2022",
      module: "NodeNext", moduleResolution: "NodeNext", types: [], typeRoots: [path.join(here, "node_modules", "@types")],
    },
    files: ["objects.ts"],
  }, null, 2));
  let output = "";
  try {
    execFileSync(process.execPath, [path.join(here, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--pretty", "false"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    if (!output.trim()) throw e;
  }
  for (const line of output.split("\n")) {
    const m = /objects\.ts\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (!m) {
      if (line.trim()) report.fail("strict", "-", "-", line.trim());
      continue;
    }
    const at = Number(m[1]) - offset;
    const owner = owners.find(([a, b]) => at >= a && at <= b);
    const field = lines[at - 1]?.trim().split(":")[0] ?? "";
    report.fail("strict", owner?.[2] ?? "?", owner?.[3] ?? "?", `${m[3]} (at ${field})`);
  }
  return owners.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 3: Strimzi CRs against Strimzi's CRDs (crd-generator output). Kubernetes prunes unknown fields of a
// structural schema; kubectl --validate=strict rejects them, and so does this: additionalProperties=false on every
// object schema with properties, unless it preserves unknown fields (e.g. spec.kafka.config).

function closeSchema(schema) {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kubernetes-") || k === "description" || k === "example") continue;
    out[k] = typeof v === "object" ? closeSchema(v) : v;
  }
  if (schema.properties && schema.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

function strimziValidators(crdDir) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map();
  for (const file of fs.readdirSync(crdDir).filter((f) => f.endsWith(".yaml"))) {
    for (const crd of readDocs(path.join(crdDir, file))) {
      for (const v of crd.spec.versions) {
        const schema = closeSchema(v.schema.openAPIV3Schema);
        // metadata is Kubernetes' ObjectMeta, not described by the CRD: checked by the API server, not here.
        schema.properties.metadata = { type: "object" };
        validators.set(`${crd.spec.group}/${v.name}|${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  return validators;
}

function strimziStep(overlay, validators, report) {
  let checked = 0;
  for (const obj of overlay.docs.filter(isStrimzi)) {
    const validate = validators.get(`${obj.apiVersion}|${obj.kind}`);
    if (!validate) {
      report.fail("strimzi", overlay.name, id(obj), `no Strimzi CRD serves ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    if (!validate(obj)) {
      for (const e of validate.errors) {
        const extra = e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : "";
        report.fail("strimzi", overlay.name, id(obj), `${e.instancePath || "/"} ${e.message}${extra}`);
      }
    }
    checked++;
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 4: policy rules over each rendered overlay

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

function podSpecOf(obj) {
  if (obj.kind === "CronJob") return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

function podLabelsOf(obj) {
  if (obj.kind === "CronJob") return obj.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return obj.spec?.template?.metadata?.labels ?? {};
}

function containersOf(pod) {
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

const matches = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && selector?.matchLabels;

function servicePorts(repo) {
  const ports = {};
  for (const dir of fs.readdirSync(repo)) {
    const props = path.join(repo, dir, "src", "main", "resources", "application.properties");
    if (!fs.existsSync(props)) continue;
    const m = /^quarkus\.http\.port=(\d+)$/m.exec(fs.readFileSync(props, "utf8"));
    if (m) ports[dir] = Number(m[1]);
  }
  return ports;
}

const RULES = [
  ["probes", "every Deployment container has startup, readiness and liveness probes on /q/health/started|ready|live"],
  ["resources", "every container (workloads and jobs, init containers too) requests cpu and memory and limits memory"],
  ["non-root", "every pod runs as non-root (runAsNonRoot: true, no uid 0)"],
  ["hardened", "every container: readOnlyRootFilesystem, no privilege escalation, capabilities drop ALL; pod seccomp RuntimeDefault"],
  ["writable-tmp", "every Deployment container mounts a writable /tmp (the root filesystem is read-only)"],
  ["image-tags", "every image names a tag or digest, never :latest"],
  ["pdb", "every Deployment has a PodDisruptionBudget selecting its pods"],
  ["gpu", "pods with nvidia.com/gpu tolerate the nvidia.com/gpu taint, request = limit, and mount /dev/shm from memory"],
  ["keda-cap", "every KEDA kafka trigger's maxReplicaCount <= the partitions of its topic's KafkaTopic"],
  ["service-account", "every pod has its own ServiceAccount (defined here, not 'default') and no automounted token"],
  ["cronjob", "every CronJob: concurrencyPolicy Forbid, timeZone, startingDeadlineSeconds, activeDeadlineSeconds, history limits"],
  ["topics", "every KafkaTopic's name, partitions and configs equal the base's (which proto's KafkaTopicManifestsTest ties to rlhf.wire.Topic)"],
  ["model-store", "the model store is mounted read-only everywhere except trainer-service"],
  ["ports", "each service's containerPort equals quarkus.http.port of its application.properties; Service ports carry appProtocol"],
  ["spread", "Deployments with more than one replica or an autoscaler have topologySpreadConstraints"],
  ["no-secrets", "production overlays ship no Secret objects (create them out of band)"],
  ["namespace", "every object but the Namespace is in the rendering's Namespace (components included)"],
];

function policyStep(overlay, reference, ports, report) {
  const fail = (rule, obj, msg) => report.fail(rule, overlay.name, obj ? id(obj) : "-", msg);
  const docs = overlay.docs;
  const of = (kind) => docs.filter((o) => o.kind === kind);
  const workloads = docs.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const serviceAccounts = new Map(of("ServiceAccount").map((sa) => [sa.metadata.name, sa]));
  const topics = new Map(of("KafkaTopic").map((t) => [t.spec?.topicName ?? t.metadata.name, t]));
  const autoscaled = new Set([
    ...of("ScaledObject").map((s) => s.spec?.scaleTargetRef?.name),
    ...of("HorizontalPodAutoscaler").map((h) => h.spec?.scaleTargetRef?.name),
  ]);

  for (const w of workloads) {
    const pod = podSpecOf(w) ?? {};
    const containers = containersOf(pod);
    const isDeployment = w.kind === "Deployment";
    const app = w.metadata?.name;

    for (const c of containers) {
      const where = `container ${c.name}`;
      if (isDeployment && (pod.containers ?? []).includes(c)) {
        for (const [probe, p] of [["startupProbe", "/q/health/started"], ["readinessProbe", "/q/health/ready"], ["livenessProbe", "/q/health/live"]]) {
          if (!c[probe]) fail("probes", w, `${where}: no ${probe}`);
          else if (c[probe].httpGet && c[probe].httpGet.path !== p) fail("probes", w, `${where}: ${probe} on ${c[probe].httpGet.path}, not ${p}`);
        }
      }
      const r = c.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory) {
        fail("resources", w, `${where}: needs requests.cpu, requests.memory and limits.memory`);
      }
      const sc = c.securityContext ?? {};
      if (sc.runAsUser === 0 || sc.runAsNonRoot === false) fail("non-root", w, `${where}: runs as root`);
      if (sc.readOnlyRootFilesystem !== true) fail("hardened", w, `${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) fail("hardened", w, `${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail("hardened", w, `${where}: capabilities do not drop ALL`);
      if (isDeployment && !(c.volumeMounts ?? []).some((m) => m.mountPath === "/tmp" && !m.readOnly)) {
        fail("writable-tmp", w, `${where}: no writable /tmp`);
      }
      const image = c.image ?? "";
      const tagged = image.includes("@sha256:") || /:[^/]+$/.test(image);
      if (!tagged || /:latest$/.test(image)) fail("image-tags", w, `${where}: image '${image}' has no pinned tag`);
      const gpuReq = r.requests?.["nvidia.com/gpu"];
      const gpuLim = r.limits?.["nvidia.com/gpu"];
      if (gpuReq !== undefined || gpuLim !== undefined) {
        if (String(gpuReq) !== String(gpuLim)) fail("gpu", w, `${where}: nvidia.com/gpu request ${gpuReq} != limit ${gpuLim}`);
        if (!(pod.tolerations ?? []).some((t) => t.key === "nvidia.com/gpu" && (t.operator === "Exists" || t.operator === undefined || t.operator === "Equal"))) {
          fail("gpu", w, `${where}: requests a GPU but the pod does not tolerate nvidia.com/gpu`);
        }
        const shm = (c.volumeMounts ?? []).find((m) => m.mountPath === "/dev/shm");
        const vol = shm && (pod.volumes ?? []).find((v) => v.name === shm.name);
        if (!vol?.emptyDir || vol.emptyDir.medium !== "Memory") fail("gpu", w, `${where}: /dev/shm is not an in-memory emptyDir`);
      }
      for (const m of c.volumeMounts ?? []) {
        const vol = (pod.volumes ?? []).find((v) => v.name === m.name);
        if (vol?.persistentVolumeClaim?.claimName === "rlhf-model-store") {
          const writable = !m.readOnly;
          if (app === "trainer-service" && !writable) fail("model-store", w, `${where}: the trainer must write the store`);
          if (app !== "trainer-service" && (writable || !vol.persistentVolumeClaim.readOnly)) {
            fail("model-store", w, `${where}: mounts the model store writable`);
          }
        }
      }
      if (isDeployment && ports[app] !== undefined) {
        const declared = (c.ports ?? []).map((p) => p.containerPort);
        if (!declared.includes(ports[app])) fail("ports", w, `${where}: containerPort ${declared} but quarkus.http.port=${ports[app]}`);
      }
    }

    const psc = pod.securityContext ?? {};
    const allNonRoot = containers.every((c) => (c.securityContext?.runAsNonRoot ?? psc.runAsNonRoot) === true);
    if (!allNonRoot || psc.runAsUser === 0) fail("non-root", w, "pod does not set runAsNonRoot: true");
    if ((psc.seccompProfile?.type ?? "") !== "RuntimeDefault") fail("hardened", w, "pod seccompProfile is not RuntimeDefault");

    const saName = pod.serviceAccountName;
    const sa = saName && serviceAccounts.get(saName);
    if (!saName || saName === "default") fail("service-account", w, "uses the default ServiceAccount");
    else if (!sa) fail("service-account", w, `ServiceAccount ${saName} is not defined here`);
    const automount = pod.automountServiceAccountToken ?? sa?.automountServiceAccountToken;
    if (automount !== false || (sa && sa.automountServiceAccountToken !== false)) {
      fail("service-account", w, `token automount is not off (pod or ServiceAccount ${saName})`);
    }

    if (isDeployment) {
      const labels = podLabelsOf(w);
      if (!of("PodDisruptionBudget").some((pdb) => matches(pdb.spec?.selector, labels))) fail("pdb", w, "no PodDisruptionBudget selects its pods");
      if (((w.spec?.replicas ?? 1) > 1 || autoscaled.has(app)) && !(pod.topologySpreadConstraints ?? []).length) {
        fail("spread", w, "several replicas or an autoscaler but no topologySpreadConstraints");
      }
    }
    if (w.kind === "CronJob") {
      const s = w.spec ?? {};
      if (s.concurrencyPolicy !== "Forbid") fail("cronjob", w, `concurrencyPolicy is ${s.concurrencyPolicy ?? "Allow (default)"}, not Forbid`);
      if (!s.timeZone) fail("cronjob", w, "no timeZone");
      if (!s.startingDeadlineSeconds) fail("cronjob", w, "no startingDeadlineSeconds");
      if (!s.jobTemplate?.spec?.activeDeadlineSeconds) fail("cronjob", w, "no jobTemplate activeDeadlineSeconds");
      if (s.successfulJobsHistoryLimit === undefined || s.failedJobsHistoryLimit === undefined) fail("cronjob", w, "history limits not set");
    }
  }

  for (const so of of("ScaledObject")) {
    for (const t of (so.spec?.triggers ?? []).filter((t) => t.type === "kafka")) {
      const topic = topics.get(t.metadata?.topic);
      const max = so.spec?.maxReplicaCount ?? 100; // KEDA's default
      if (!topic) fail("keda-cap", so, `no KafkaTopic for trigger topic ${t.metadata?.topic}`);
      else if (max > topic.spec.partitions) fail("keda-cap", so, `maxReplicaCount ${max} > ${topic.spec.partitions} partitions of ${t.metadata.topic}`);
    }
  }

  const refTopics = new Map(reference.filter((o) => o.kind === "KafkaTopic").map((t) => [t.spec?.topicName ?? t.metadata.name, t]));
  for (const [name, topic] of topics) {
    const ref = refTopics.get(name);
    if (!ref) { fail("topics", topic, `topic ${name} is not in the base topic table`); continue; }
    if (topic.spec.partitions !== ref.spec.partitions) fail("topics", topic, `partitions ${topic.spec.partitions} != base ${ref.spec.partitions}`);
    if (JSON.stringify(sorted(topic.spec.config)) !== JSON.stringify(sorted(ref.spec.config))) fail("topics", topic, "config differs from the base");
  }
  if (topics.size) for (const name of refTopics.keys()) if (!topics.has(name)) fail("topics", null, `topic ${name} of the base is missing`);

  for (const svc of of("Service")) {
    for (const p of svc.spec?.ports ?? []) if (!p.appProtocol) fail("ports", svc, `port ${p.name ?? p.port} has no appProtocol`);
  }
  if (overlay.production) for (const s of of("Secret")) fail("no-secrets", s, "a Secret in a production overlay");
  const namespaces = of("Namespace").map((n) => n.metadata.name);
  for (const o of docs.filter((o) => o.kind !== "Namespace")) {
    if (!namespaces.includes(o.metadata?.namespace)) fail("namespace", o, `namespace '${o.metadata?.namespace ?? ""}' is not the rendering's (${namespaces})`);
  }
  return workloads.length;
}

const sorted = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]).sort());

// ---------------------------------------------------------------------------------------------------------------
// Step 5: Dockerfile rules (hadolint is not installable here; these are its rules that matter for these images)

const DOCKER_RULES = [
  ["base-arg", "ARG BASE_IMAGE is declared before the first FROM and the final stage is FROM ${BASE_IMAGE}"],
  ["pinned-from", "every FROM image and image-valued ARG default has an explicit tag or digest, never :latest"],
  ["non-root-user", "the last USER is set and is neither root nor 0"],
  ["no-add", "no ADD (COPY for local files; downloads only in RUN with a checksum check)"],
  ["exec-form", "ENTRYPOINT and CMD use the exec (JSON) form"],
  ["apt-hygiene", "apt-get install uses -y --no-install-recommends and the same RUN removes /var/lib/apt/lists"],
  ["checksums", "a RUN that downloads (curl/wget) verifies a sha256 in the same RUN"],
  ["fast-jar", "the image copies the Quarkus fast-jar (lib/, quarkus-run.jar, app/, quarkus/) and runs quarkus-run.jar"],
  ["expose", "EXPOSE equals quarkus.http.port of the service"],
  ["djl-offline", "images of DJL services set DJL_OFFLINE=true and OPT_OUT_TRACKING=true"],
  ["gpu-libtorch", "GPU images set PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR"],
];

function dockerfileInstructions(text) {
  const joined = text.replace(/\\\r?\n/g, " ");
  return joined.split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [, op, rest] = /^(\S+)\s*(.*)$/.exec(l);
      return { op: op.toUpperCase(), args: rest };
    });
}

function dockerStep(repo, ports, report) {
  const files = [];
  for (const service of fs.readdirSync(path.join(repo, "docker"))) {
    const dir = path.join(repo, "docker", service);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).filter((f) => f.startsWith("Dockerfile"))) files.push([service, path.join(dir, f)]);
  }
  for (const [service, file] of files) {
    const name = path.relative(repo, file);
    const fail = (rule, msg) => report.fail(rule, "docker", name, msg);
    const ins = dockerfileInstructions(fs.readFileSync(file, "utf8"));
    const firstFrom = ins.findIndex((i) => i.op === "FROM");
    const argDefaults = new Map(ins.filter((i) => i.op === "ARG").map((i) => i.args.split("=")).map(([k, v]) => [k.trim(), v?.trim()]));
    if (!ins.slice(0, firstFrom).some((i) => i.op === "ARG" && i.args.startsWith("BASE_IMAGE"))) fail("base-arg", "no ARG BASE_IMAGE before the first FROM");
    const froms = ins.filter((i) => i.op === "FROM");
    if (!/^\$\{?BASE_IMAGE\}?(\s|$)/.test(froms.at(-1)?.args ?? "")) fail("base-arg", `final stage is FROM ${froms.at(-1)?.args}`);
    for (const f of froms) {
      const image = f.args.split(/\s+/)[0];
      const m = /^\$\{?(\w+)\}?$/.exec(image);
      const resolved = m ? argDefaults.get(m[1]) : image;
      if (!resolved) fail("pinned-from", `FROM ${image} has no default`);
      else if (!(resolved.includes("@sha256:") || /:[^/]+$/.test(resolved)) || /:latest$/.test(resolved)) fail("pinned-from", `FROM ${resolved} is not pinned`);
    }
    const users = ins.filter((i) => i.op === "USER");
    const lastUser = users.at(-1)?.args.split(":")[0];
    if (!lastUser || lastUser === "root" || lastUser === "0") fail("non-root-user", `last USER is ${lastUser ?? "unset (root)"}`);
    if (ins.some((i) => i.op === "ADD")) fail("no-add", "uses ADD");
    for (const i of ins.filter((i) => i.op === "ENTRYPOINT" || i.op === "CMD")) if (!i.args.startsWith("[")) fail("exec-form", `${i.op} in shell form`);
    for (const i of ins.filter((i) => i.op === "RUN")) {
      if (/apt-get\s+install/.test(i.args)) {
        if (!/--no-install-recommends/.test(i.args) || !/\s-y\b|--yes/.test(i.args)) fail("apt-hygiene", "apt-get install without -y --no-install-recommends");
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) fail("apt-hygiene", "apt lists not removed in the same RUN");
      }
      if (/\b(curl|wget)\b/.test(i.args) && !/apt-get/.test(i.args) && !/sha256sum\s+(-c|--check)/.test(i.args)) fail("checksums", "downloads without a sha256 check");
    }
    const copies = ins.filter((i) => i.op === "COPY").map((i) => i.args).join(" ");
    for (const part of ["quarkus-app/lib/", "quarkus-app/quarkus-run.jar", "quarkus-app/app/", "quarkus-app/quarkus/"]) {
      if (!copies.includes(`${service}/target/${part}`)) fail("fast-jar", `does not copy ${service}/target/${part}`);
    }
    if (!/quarkus-run\.jar/.test(ins.find((i) => i.op === "ENTRYPOINT")?.args ?? "")) fail("fast-jar", "ENTRYPOINT does not run quarkus-run.jar");
    const exposed = ins.filter((i) => i.op === "EXPOSE").map((i) => Number(i.args.split("/")[0]));
    if (ports[service] !== undefined && !exposed.includes(ports[service])) fail("expose", `EXPOSE ${exposed} but quarkus.http.port=${ports[service]}`);
    const env = ins.filter((i) => i.op === "ENV").map((i) => i.args).join(" ");
    if (["policy-service", "reward-service", "trainer-service"].includes(service)) {
      if (!/DJL_OFFLINE=true/.test(env) || !/OPT_OUT_TRACKING=true/.test(env)) fail("djl-offline", "DJL_OFFLINE/OPT_OUT_TRACKING not set");
    }
    if (file.endsWith(".gpu") && (!/PYTORCH_LIBRARY_PATH=/.test(env) || !/PYTORCH_FLAVOR=/.test(env))) fail("gpu-libtorch", "PYTORCH_LIBRARY_PATH/PYTORCH_FLAVOR not set");
  }
  return files.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 6: the compose file: pinned images, GPU reservations, topics equal to the base's table

const COMPOSE_RULES = [
  ["compose-images", "every service image has a pinned tag"],
  ["compose-gpu", "policy-service, reward-service and trainer-service reserve an NVIDIA GPU"],
  ["compose-topics", "the topic-creating commands create exactly the base's topics with its partitions and configs"],
];

function composeStep(file, reference, report) {
  const compose = YAML.parse(fs.readFileSync(file, "utf8"), { merge: true });
  const name = path.basename(file);
  const fail = (rule, msg) => report.fail(rule, "compose", name, msg);
  for (const [svc, def] of Object.entries(compose.services ?? {})) {
    // ${VAR:-default} as compose resolves it when VAR is unset
    const image = (def.image ?? "").replace(/\$\{\w+:-([^}]*)\}/g, "$1");
    if (!/:[^/]+$/.test(image) || /:latest$/.test(image)) fail("compose-images", `${svc}: image '${image}' is not pinned`);
  }
  for (const svc of ["policy-service", "reward-service", "trainer-service"]) {
    const devices = compose.services?.[svc]?.deploy?.resources?.reservations?.devices ?? [];
    if (!devices.some((d) => d.driver === "nvidia" && (d.capabilities ?? []).includes("gpu"))) fail("compose-gpu", `${svc}: no NVIDIA GPU reserved`);
  }
  const script = JSON.stringify(compose.services ?? {});
  const created = new Map();
  for (const m of script.matchAll(/--topic[ =]([\w.-]+)((?:\s+--(?:partitions|config)[ =][^\s"\\]+)*)/g)) {
    const partitions = Number(/--partitions[ =](\d+)/.exec(m[2])?.[1]);
    const config = Object.fromEntries([...m[2].matchAll(/--config[ =]([\w.]+)=([^\s"\\]+)/g)].map((c) => [c[1], c[2]]));
    created.set(m[1], { partitions, config });
  }
  const refTopics = reference.filter((o) => o.kind === "KafkaTopic");
  for (const t of refTopics) {
    const name = t.spec.topicName ?? t.metadata.name;
    const c = created.get(name);
    if (!c) { fail("compose-topics", `topic ${name} is not created`); continue; }
    if (c.partitions !== t.spec.partitions) fail("compose-topics", `${name}: ${c.partitions} partitions, base has ${t.spec.partitions}`);
    if (JSON.stringify(sorted(c.config)) !== JSON.stringify(sorted(t.spec.config))) fail("compose-topics", `${name}: configs differ from the base`);
  }
  for (const name of created.keys()) if (!refTopics.some((t) => (t.spec.topicName ?? t.metadata.name) === name)) fail("compose-topics", `extra topic ${name}`);
  return Object.keys(compose.services ?? {}).length;
}

// ---------------------------------------------------------------------------------------------------------------

class Report {
  constructor() { this.failures = []; }
  fail(rule, where, object, message) { this.failures.push({ rule, where, object, message }); }
  count(rule) { return this.failures.filter((f) => f.rule === rule).length; }
}

function printRules(title, rules) {
  console.log(title);
  for (const [rule, text] of rules) console.log(`  ${rule.padEnd(16)} ${text}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = new Report();
  const reference = readDocs(args.reference);
  const ports = servicePorts(args.repo);
  const overlays = args.overlays.map((o) => ({ ...o, docs: readDocs(o.file) }));
  const validators = strimziValidators(args.crds);
  const summary = [];
  const step = (name, fn) => {
    const before = report.failures.length;
    const started = Date.now();
    return Promise.resolve(fn()).then((n) => {
      summary.push([name, n, report.failures.length - before, Date.now() - started]);
    });
  };

  printRules("policy rules (k8s):", RULES);
  if (args.dockerfiles) printRules("Dockerfile rules:", DOCKER_RULES);
  if (args.compose) printRules("compose rules:", COMPOSE_RULES);

  for (const o of overlays) {
    const kinds = {};
    for (const d of o.docs) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
    console.log(`\n${o.name}: ${o.docs.length} objects (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")})`);
    await step(`${o.name}: Kubernetes/KEDA/prometheus-operator schemas`, () => schemaStep(o, report));
    await step(`${o.name}: Strimzi CRDs (unknown fields rejected)`, () => strimziStep(o, validators, report));
    await step(`${o.name}: policy rules over workloads`, () => policyStep(o, reference, ports, report));
  }
  await step("all: unknown fields (tsc excess-property check)", () => strictStep(overlays, report));
  if (args.dockerfiles) await step("Dockerfiles", () => dockerStep(args.repo, ports, report));
  if (args.compose) await step("compose file", () => composeStep(args.compose, reference, report));

  if (report.failures.length) {
    console.log("\nviolations:");
    for (const f of report.failures) console.log(`  [${f.rule}] ${f.where} ${f.object}: ${f.message}`);
  }
  console.log("\nsummary:");
  for (const [name, n, failed, ms] of summary) {
    console.log(`  ${failed ? "FAIL" : "ok  "} ${name}: ${n} checked, ${failed} violation(s), ${ms} ms`);
  }
  console.log(report.failures.length ? `\n${report.failures.length} violation(s)` : "\nno violations");
  process.exit(report.failures.length ? 1 : 0);
}

await main();
