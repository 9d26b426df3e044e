{{/* Names and labels. */}}
{{- define "tenant-deletion.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tenant-deletion.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "tenant-deletion.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "tenant-deletion.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; dict: root, component. */}}
{{- define "tenant-deletion.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tenant-deletion.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component; dict: root, component, and version when it is not the image tag's. */}}
{{- define "tenant-deletion.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "tenant-deletion.selectorLabels" . }}
app.kubernetes.io/version: {{ .version | default (include "tenant-deletion.imageTag" .root) | quote }}
app.kubernetes.io/part-of: tenant-deletion
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "tenant-deletion.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The image of a tag; dict: root, tag. */}}
{{- define "tenant-deletion.image" -}}
{{- printf "%s:%s" .root.Values.image.repository .tag }}
{{- end }}

{{/* The workers' build id: workerVersioning.buildId, else the image tag. */}}
{{- define "tenant-deletion.buildId" -}}
{{- .Values.workerVersioning.buildId | default (include "tenant-deletion.imageTag" .) }}
{{- end }}

{{/* A build id as a label value and name part: [a-z0-9-], at most 40 characters. */}}
{{- define "tenant-deletion.buildSlug" -}}
{{- regexReplaceAll "[^a-z0-9-]+" (lower .) "-" | trunc 40 | trimAll "-" }}
{{- end }}

{{/*
The Secret a key is read from; dict: root, spec (a secrets.* block), suffix. existingSecret when set, else the
chart's <fullname>-<suffix> (which the chart makes when spec.value is given, or the operator creates).
*/}}
{{- define "tenant-deletion.secretName" -}}
{{- .spec.existingSecret | default (printf "%s-%s" (include "tenant-deletion.fullname" .root) .suffix) }}
{{- end }}

{{- define "tenant-deletion.secretsDir" -}}
/etc/tenant-deletion/secrets
{{- end }}

{{/* The pod-level settings every component shares. */}}
{{- define "tenant-deletion.podCommon" -}}
serviceAccountName: {{ include "tenant-deletion.fullname" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Annotations that make Prometheus scrape a pod; dict: root, port. */}}
{{- define "tenant-deletion.scrapeAnnotations" -}}
{{- if .root.Values.metrics.prometheusAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/*
The environment of every program that talks to Temporal and PostgreSQL: the shared ConfigMap, DATABASE_URL and
the Temporal credentials' files. Secret values never enter the ConfigMap.
*/}}
{{- define "tenant-deletion.baseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "tenant-deletion.secretName" (dict "root" . "spec" .Values.secrets.databaseUrl "suffix" "database-url") }}
      key: {{ .Values.secrets.databaseUrl.key }}
{{- $dir := include "tenant-deletion.secretsDir" . }}
{{- if .Values.temporal.apiKey.existingSecret }}
- name: TEMPORAL_API_KEY_FILE
  value: {{ printf "%s/temporal-api-key/%s" $dir .Values.temporal.apiKey.key }}
{{- end }}
{{- if .Values.temporal.tls.clientCertSecret }}
- name: TEMPORAL_TLS_CERT_FILE
  value: {{ printf "%s/temporal-tls/tls.crt" $dir }}
- name: TEMPORAL_TLS_KEY_FILE
  value: {{ printf "%s/temporal-tls/tls.key" $dir }}
{{- end }}
{{- if .Values.temporal.tls.caSecret }}
- name: TEMPORAL_TLS_CA_FILE
  value: {{ printf "%s/temporal-ca/ca.crt" $dir }}
{{- end }}
{{- end }}

{{/* The payload codec keys' file, for every program that reads or writes Temporal payloads. */}}
{{- define "tenant-deletion.codecEnv" -}}
- name: PAYLOAD_CODEC_KEYS_FILE
  value: {{ printf "%s/payload-codec/%s" (include "tenant-deletion.secretsDir" .) .Values.secrets.payloadCodecKeys.key }}
{{- end }}

{{/* The Kafka SASL credentials, from their Secret, for the programs that reach Kafka. */}}
{{- define "tenant-deletion.kafkaEnv" -}}
{{- /* values.schema.json requires kafka.saslSecret with a mechanism. */}}
{{- if .Values.kafka.saslMechanism }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.saslSecret }}
      key: {{ .Values.kafka.saslUsernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.saslSecret }}
      key: {{ .Values.kafka.saslPasswordKey }}
{{- end }}
{{- end }}

{{/* One key of a Secret, mounted read-only as a file; dict: root, name (volume and directory), secret, key. */}}
{{- define "tenant-deletion.secretVolume" -}}
- name: {{ .name }}
  secret:
    secretName: {{ .secret }}
    defaultMode: 0400
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- end }}

{{- define "tenant-deletion.secretMount" -}}
- name: {{ .name }}
  mountPath: {{ printf "%s/%s" (include "tenant-deletion.secretsDir" .root) .name }}
  readOnly: true
{{- end }}

{{/* The Temporal credentials' volumes (API key, client certificate, CA), when configured. */}}
{{- define "tenant-deletion.temporalVolumes" -}}
{{- with .Values.temporal.apiKey.existingSecret }}
{{ include "tenant-deletion.secretVolume" (dict "name" "temporal-api-key" "secret" . "key" $.Values.temporal.apiKey.key) }}
{{- end }}
{{- with .Values.temporal.tls.clientCertSecret }}
- name: temporal-tls
  secret:
    secretName: {{ . }}
    defaultMode: 0400
    items:
      - { key: tls.crt, path: tls.crt }
      - { key: tls.key, path: tls.key }
{{- end }}
{{- with .Values.temporal.tls.caSecret }}
- name: temporal-ca
  secret:
    secretName: {{ . }}
    items:
      - { key: ca.crt, path: ca.crt }
{{- end }}
{{- end }}

{{- define "tenant-deletion.temporalMounts" -}}
{{- range $name, $set := dict "temporal-api-key" .Values.temporal.apiKey.existingSecret "temporal-tls" .Values.temporal.tls.clientCertSecret "temporal-ca" .Values.temporal.tls.caSecret }}
{{- if $set }}
{{ include "tenant-deletion.secretMount" (dict "root" $ "name" $name) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The payload codec keys' volume. */}}
{{- define "tenant-deletion.codecVolume" -}}
{{ include "tenant-deletion.secretVolume" (dict "name" "payload-codec" "secret" (include "tenant-deletion.secretName" (dict "root" . "spec" .Values.secrets.payloadCodecKeys "suffix" "payload-codec-keys")) "key" .Values.secrets.payloadCodecKeys.key) }}
{{- end }}

{{/* Node writes temporary files; the root file system stays read-only. */}}
{{- define "tenant-deletion.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{- define "tenant-deletion.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}
