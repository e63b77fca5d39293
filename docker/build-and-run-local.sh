#!/usr/bin/env bash
# Builds the policy-service image and starts it WITHOUT a Docker engine, from Debian's packages only:
#   mmdebstrap (a Debian bookworm + OpenJDK 17 JRE base) -> docker-registry on loopback -> buildah bud
#   (--isolation chroot, vfs storage) -> skopeo + umoci (OCI bundle) -> runc run -> GET /q/health/*.
# Prints the image digest, the time to /q/health/started and the health answers; exits non-zero if the container
# does not come up. Needs root (runc, buildah vfs, mmdebstrap) and the packages:
#   apt-get install -y mmdebstrap buildah runc skopeo umoci docker-registry
# Network: Debian's mirror for mmdebstrap (first run only; the base tarball is reused) and Maven Central for the
# package step when policy-service/target/quarkus-app is missing. The container itself runs offline.
#
# Environment: RLHF_IMAGE_WORK (work folder, default /tmp/rlhf-image), RLHF_REGISTRY_PORT (5000),
# RLHF_IMAGE_HTTP_PORT (18081: the container shares the host's network, so not the service's 8081, which a local
# run of the stack may hold), RLHF_KEEP_RUNNING=1 (leave the container and the registry up; stop them with the commands printed).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${RLHF_IMAGE_WORK:-/tmp/rlhf-image}
PORT=${RLHF_REGISTRY_PORT:-5000}
REGISTRY=127.0.0.1:${PORT}
SERVICE=policy-service
SERVICE_PORT=${RLHF_IMAGE_HTTP_PORT:-18081}
TAG=0.1.0
BASE_REF=${REGISTRY}/rlhf/jre17-bookworm:1
IMAGE_REF=${REGISTRY}/rlhf/${SERVICE}:${TAG}
CONTAINER=rlhf-${SERVICE}-$$
BUILDAH=(buildah --root "${WORK}/containers/storage" --runroot "${WORK}/containers/run" --storage-driver vfs)

step() { printf '\n== %s (%ds)\n' "$1" "$SECONDS"; }
die() { echo "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (runc, buildah with vfs storage and mmdebstrap need it)"
for tool in mmdebstrap buildah runc skopeo umoci docker-registry curl python3; do
  command -v "$tool" >/dev/null || die "$tool missing: apt-get install -y mmdebstrap buildah runc skopeo umoci docker-registry"
done
mkdir -p "${WORK}"

for port in "${PORT}" "${SERVICE_PORT}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
    die "port ${port} is taken: set RLHF_REGISTRY_PORT / RLHF_IMAGE_HTTP_PORT"
  fi
done

REGISTRY_PID=""
cleanup() {
  if [ "${RLHF_KEEP_RUNNING:-0}" = 1 ]; then
    echo "left running: runc kill ${CONTAINER} KILL; runc delete -f ${CONTAINER}; kill ${REGISTRY_PID}"
    return
  fi
  runc delete -f "${CONTAINER}" >/dev/null 2>&1 || true
  [ -z "${REGISTRY_PID}" ] || kill "${REGISTRY_PID}" 2>/dev/null || true
}
trap cleanup EXIT

step "1/7 the Quarkus fast-jar of ${SERVICE}"
if [ ! -f "${SERVICE}/target/quarkus-app/quarkus-run.jar" ]; then
  ./mvnw -B -q package -DskipTests -pl "${SERVICE}" -am
fi
du -sh "${SERVICE}/target/quarkus-app"

step "2/7 JRE base tarball with mmdebstrap (Debian bookworm, openjdk-17-jre-headless)"
if [ ! -s "${WORK}/base.tar" ]; then
  # Docs, man pages and locales are left out; the JRE's postinst still needs the man1 folder to exist.
  mmdebstrap --variant=apt --format=tar --include=openjdk-17-jre-headless,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    bookworm "${WORK}/base.tar.part" >"${WORK}/mmdebstrap.log" 2>&1 || die "mmdebstrap, see ${WORK}/mmdebstrap.log"
  mv "${WORK}/base.tar.part" "${WORK}/base.tar"
fi
ls -l "${WORK}/base.tar"

step "3/7 loopback registry (docker-registry on ${REGISTRY})"
mkdir -p "${WORK}/registry"
cat >"${WORK}/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${WORK}/registry
http:
  addr: ${REGISTRY}
EOF
docker-registry serve "${WORK}/registry.yml" >"${WORK}/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 50); do curl -fs "http://${REGISTRY}/v2/" >/dev/null && break; sleep 0.2; done
curl -fs "http://${REGISTRY}/v2/" >/dev/null || die "registry did not answer, see ${WORK}/registry.log"

step "4/7 base image ${BASE_REF} from the tarball"
base=$("${BUILDAH[@]}" from scratch)
"${BUILDAH[@]}" add --quiet "${base}" "${WORK}/base.tar" / >/dev/null
"${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 --cmd /bin/bash "${base}"
"${BUILDAH[@]}" commit --quiet --rm "${base}" "${BASE_REF}" >/dev/null
"${BUILDAH[@]}" push --quiet --tls-verify=false "${BASE_REF}"

step "5/7 buildah bud -f docker/${SERVICE}/Dockerfile (isolation chroot, BASE_IMAGE=${BASE_REF})"
"${BUILDAH[@]}" bud --quiet --isolation chroot --tls-verify=false --layers=false \
  --ignorefile docker/buildah.ignore \
  --build-arg "BASE_IMAGE=${BASE_REF}" -f "docker/${SERVICE}/Dockerfile" -t "${IMAGE_REF}" . >/dev/null
"${BUILDAH[@]}" push --quiet --tls-verify=false --digestfile "${WORK}/digest" "${IMAGE_REF}"
echo "image ${IMAGE_REF}@$(cat "${WORK}/digest")"

step "6/7 skopeo copy + umoci unpack to an OCI runtime bundle"
rm -rf "${WORK}/oci" "${WORK}/bundle"
skopeo copy --quiet --src-tls-verify=false "docker://${IMAGE_REF}" "oci:${WORK}/oci:${SERVICE}"
umoci unpack --image "${WORK}/oci:${SERVICE}" "${WORK}/bundle" >/dev/null
# As on Kubernetes: read-only root, a tmpfs /tmp (DJL unpacks libtorch there), no capabilities. The host's network
# namespace, so the health endpoint is reachable on loopback without a CNI.
python3 - "${WORK}/bundle/config.json" "${SERVICE_PORT}" <<'EOF'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["root"]["readonly"] = True
config["process"]["terminal"] = False
config["process"]["noNewPrivileges"] = True
config["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "inheritable", "permitted", "ambient")}
config["linux"]["namespaces"] = [ns for ns in config["linux"]["namespaces"] if ns["type"] != "network"]
config["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                         "options": ["nosuid", "nodev", "mode=1777", "size=2g"]})
env = [e for e in config["process"]["env"] if not e.startswith("JAVA_TOOL_OPTIONS=")]
env += [f"QUARKUS_HTTP_PORT={sys.argv[2]}",
        "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=50 -Djava.io.tmpdir=/tmp -Dai.djl.pytorch.num_threads=1",
        "RLHF_MODEL_STORE=/tmp/model-store", "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1",
        "RLHF_KAFKA_HEALTH_TIMEOUT=500ms"]
config["process"]["env"] = env
json.dump(config, open(path, "w"), indent=2)
print("user", config["process"]["user"], "args", config["process"]["args"])
EOF

step "7/7 runc run ${CONTAINER}, then GET /q/health/{started,ready,live} on :${SERVICE_PORT}"
started_ms=$(date +%s%3N)
runc run --detach --bundle "${WORK}/bundle" "${CONTAINER}" >"${WORK}/container.log" 2>&1 </dev/null
up=""
for _ in $(seq 1 240); do
  if curl -fs -o /dev/null "http://127.0.0.1:${SERVICE_PORT}/q/health/started"; then up=1; break; fi
  runc state "${CONTAINER}" 2>/dev/null | grep -q '"status": "running"' || break
  sleep 0.25
done
elapsed_ms=$(( $(date +%s%3N) - started_ms ))
[ -n "${up}" ] || { tail -n 40 "${WORK}/container.log"; die "no /q/health/started answer"; }
echo "started after ${elapsed_ms} ms (runc run -> /q/health/started UP)"
for probe in started live ready; do
  code=$(curl -s -o "${WORK}/health-${probe}.json" -w '%{http_code}' "http://127.0.0.1:${SERVICE_PORT}/q/health/${probe}")
  echo "GET /q/health/${probe} -> HTTP ${code}: $(tr -d '\n' <"${WORK}/health-${probe}.json" | tr -s ' ')"
done
echo "process user inside: $(runc exec "${CONTAINER}" id 2>/dev/null || echo '?')"
printf '\nimage digest %s; done in %ds\n' "$(cat "${WORK}/digest")" "$SECONDS"
