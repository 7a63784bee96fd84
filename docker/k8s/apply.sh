#!/usr/bin/env bash
# Installs or updates the connector on Kubernetes, in this order. Run from anywhere; needs kubectl
# pointed at the cluster, the image pushed (deployment.yaml names it) and a PostgreSQL the
# Secret names. NAMESPACE overrides the namespace of namespace.yaml (default sqexact).
set -euo pipefail
cd "$(dirname "$0")/../.."
ns="${NAMESPACE:-sqexact}"
k8s=docker/k8s

# 1. the namespace (optional: skip when you install into an existing one)
if [ "$ns" = sqexact ]; then
  kubectl apply -f "$k8s/namespace.yaml"
fi
# 2. the credentials: secret.yaml (from secret.example.yaml), or a Secret you created yourself
if [ -f "$k8s/secret.yaml" ]; then
  kubectl -n "$ns" apply -f "$k8s/secret.yaml"
elif ! kubectl -n "$ns" get secret connector-secrets > /dev/null; then
  echo "No Secret connector-secrets: copy $k8s/secret.example.yaml to $k8s/secret.yaml and fill it in" >&2
  exit 1
fi
# 3. routes/ and mappings/ of this checkout as ConfigMaps (mounted over /app/routes and /app/mappings)
kubectl -n "$ns" create configmap connector-routes --from-file=routes/ \
  --dry-run=client -o yaml | kubectl -n "$ns" apply -f -
kubectl -n "$ns" create configmap connector-mappings --from-file=mappings/ \
  --dry-run=client -o yaml | kubectl -n "$ns" apply -f -
# 4. the connector and its Service; a restart picks up changed ConfigMaps
kubectl -n "$ns" apply -f "$k8s/deployment.yaml" -f "$k8s/service.yaml"
kubectl -n "$ns" rollout restart deployment/connector
kubectl -n "$ns" rollout status deployment/connector --timeout=5m
