{{/* Chart name, at most 63 characters. */}}
{{- define "emr-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release-chart, at most 63 characters (DNS label). */}}
{{- define "emr-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "emr-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "emr-operator.labels" -}}
helm.sh/chart: {{ include "emr-operator.chart" . }}
{{ include "emr-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: emr-network
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Small, immutable selector labels. The NetworkPolicies of the network admit the operator by name. */}}
{{- define "emr-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emr-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ServiceAccount the operator runs as. */}}
{{- define "emr-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emr-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image. */}}
{{- define "emr-operator.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Labels and annotations of the CRDs (generated templates/crds/*.yaml include this). */}}
{{- define "emr-operator.crdMetadata" -}}
labels:
  {{- include "emr-operator.labels" . | nindent 2 }}
{{- if .Values.crds.keep }}
annotations:
  helm.sh/resource-policy: keep
{{- end }}
{{- end }}

{{/* RBAC rules: what the operator reconciles and renders in the providers' namespaces; nothing else. */}}
{{- define "emr-operator.workloadRules" -}}
# MedicalProviders and EmrNetworks: read, add finalizers, write status (never spec).
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders", "emrnetworks"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders/status", "emrnetworks/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["emr-fabric.dev"]
  resources: ["medicalproviders/finalizers", "emrnetworks/finalizers"]
  verbs: ["update"]
# The objects rendered from the cdk8s constructs (server-side apply, owner references, cleanup).
- apiGroups: [""]
  resources: ["services", "configmaps", "secrets", "persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets", "deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies", "ingresses"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Readiness of the pods it waits for.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
# Events on every transition.
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
