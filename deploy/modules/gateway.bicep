// The gateway itself: a Container Apps environment in the gateway's subnet, and the Container App running the
// Tokengate image under its user-assigned managed identity. The configuration the main template generates is mounted
// read-only as /config/gateway.json (a secret volume) and passed with --config; /data and /tmp are the only writable
// paths. Liveness is /healthz, readiness /readyz.

@description('Name prefix of the environment and the app.')
param name string

@description('Region of the environment and the app.')
param location string

@description('Subnet of the environment, delegated to Microsoft.App/environments.')
param subnetId string

@description('Reachable from the internet (true) or only from the virtual network and peered networks (false).')
param externalIngress bool

@description('Container image, e.g. contoso.azurecr.io/tokengate:1.0.0.')
param image string

@description('Registry server to pull the image from with the managed identity (AcrPull); empty for a public image.')
param registryServer string

@description('vCPU of each replica, as a string: 0.5, 1.0, 2.0.')
param cpu string

@description('Memory of each replica, e.g. 1Gi, 2Gi, 4Gi (2 GiB per vCPU on Consumption).')
param memory string

@description('Fewest replicas.')
param minReplicas int

@description('Most replicas.')
param maxReplicas int

@description('Resource id of the gateway\'s user-assigned managed identity.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('The gateway\'s configuration, as JSON text (references only, but kept out of the deployment history).')
@secure()
param configurationJson string

@description('Tokengate__… environment variables set on top of the configuration file (name → value).')
param configurationEnvironment object

@description('Log Analytics workspace that receives the environment\'s logs.')
param workspaceId string

@description('Tags for every resource.')
param tags object

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  tags: tags
  properties: {
    vnetConfiguration: { infrastructureSubnetId: subnetId, internal: !externalIngress }
    workloadProfiles: [ { name: 'Consumption', workloadProfileType: 'Consumption' } ]
    appLogsConfiguration: { destination: 'azure-monitor' }
    zoneRedundant: false
  }
}

resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: environment
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-gateway'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'http'
        allowInsecure: false
      }
      registries: empty(registryServer) ? [] : [ { server: registryServer, identity: identityId } ]
      secrets: [ { name: 'gateway-json', value: configurationJson } ]
    }
    template: {
      containers: [
        {
          name: 'tokengate'
          image: image
          args: [ 'serve', '--urls', 'http://0.0.0.0:8080', '--config', '/config/gateway.json' ]
          env: concat([
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'TMPDIR', value: '/tmp' }
          ], map(items(configurationEnvironment), setting => { name: setting.key, value: setting.value }))
          resources: { cpu: json(cpu), memory: memory }
          volumeMounts: [
            { volumeName: 'config', mountPath: '/config' }
            { volumeName: 'data', mountPath: '/data' }
            { volumeName: 'tmp', mountPath: '/tmp' }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: 8080 }
              periodSeconds: 2
              failureThreshold: 60
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 8080 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: 8080 }
              periodSeconds: 5
              failureThreshold: 2
            }
          ]
        }
      ]
      volumes: [
        { name: 'config', storageType: 'Secret', secrets: [ { secretRef: 'gateway-json', path: 'gateway.json' } ] }
        { name: 'data', storageType: 'EmptyDir' }
        { name: 'tmp', storageType: 'EmptyDir' }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [ { name: 'http', http: { metadata: { concurrentRequests: '200' } } } ]
      }
    }
  }
}

output url string = 'https://${app.properties.configuration.ingress.fqdn}'
