// Tokengate in front of Azure OpenAI, as the Azure OpenAI well-architected guidance describes it: OpenAI accounts in
// several regions (provisioned throughput first, pay-as-you-go for overflow, Global Batch for deferred work), Content
// Safety for Prompt Shields, Key Vault for secrets and the key-encryption key, a geo-redundant storage account for
// files and backups, PostgreSQL and Redis for several replicas, every service behind a private endpoint with public
// network access disabled and its diagnostics in Log Analytics, and the gateway as a Container App whose managed
// identity holds only the roles it needs. The gateway's configuration is generated here (output gatewayConfiguration)
// and mounted into the app. See README.md.

targetScope = 'resourceGroup'

import { openAiRegion, model } from 'types.bicep'

@description('Short prefix of every resource name: 2-10 lowercase letters, digits or hyphens.')
@minLength(2)
@maxLength(10)
param namePrefix string

@description('Region of the gateway, its network, Key Vault, storage, PostgreSQL, Redis and Log Analytics.')
param location string = resourceGroup().location

@description('Azure OpenAI accounts, one per region, with the capacity of their chat deployments. Two or more for regional redundancy.')
@minLength(1)
param openAiRegions openAiRegion[]

@description('The chat model every region deploys; it is also the pool name consumers call.')
param chatModel model = { name: 'gpt-4o', version: '2024-11-20' }

@description('Index in openAiRegions of the account that gets the Global Batch deployment.')
@minValue(0)
param batchRegionIndex int = 0

@description('Global Batch enqueued-token quota, in thousands of tokens; 0 deploys no batch deployment.')
@minValue(0)
param batchCapacity int = 0

@description('Region of the Content Safety account (Prompt Shields); it must offer Prompt Shields.')
param contentSafetyLocation string = location

@description('Prompt screening for every consumer by default (rules, the built-in classifier and Prompt Shields): Block refuses attacks, Annotate and Monitor only report them.')
param screeningMode 'Off' | 'Monitor' | 'Annotate' | 'Block' = 'Block'

@description('Container image of the gateway, built from deploy/Dockerfile.')
param image string

@description('Registry the image is pulled from with the gateway\'s identity (it needs AcrPull there); empty for a public image.')
param registryServer string = ''

@description('Resource id of that registry (an Azure Container Registry, any resource group of this subscription): the gateway\'s identity gets AcrPull on it. Empty: grant it yourself.')
param registryResourceId string = ''

@description('Reach the gateway from the internet (true) or only from the virtual network (false).')
param externalIngress bool = false

@description('vCPU of each replica: 0.5, 1.0, 2.0, 4.0.')
param replicaCpu string = '1.0'

@description('Memory of each replica (2 GiB per vCPU on the Consumption profile).')
param replicaMemory string = '2Gi'

@description('Fewest replicas.')
@minValue(1)
param minReplicas int = 1

@description('Most replicas; the gateway\'s state (rate limits, budgets, backend health) is shared in Redis, and each instance falls back to 1/maxReplicas of every limit while Redis is unreachable.')
@minValue(1)
@maxValue(30)
param maxReplicas int = 1

@description('PostgreSQL compute SKU.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier matching postgresSkuName.')
param postgresTier 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized' = 'Burstable'

@description('PostgreSQL storage in GiB.')
@minValue(32)
param postgresStorageGb int = 32

@description('Zone-redundant standby for PostgreSQL (not available on Burstable).')
param postgresHighAvailability bool = false

@description('Geo-redundant PostgreSQL backups.')
param postgresGeoRedundantBackup bool = false

@description('PostgreSQL administrator login.')
param postgresAdministratorLogin string = 'tokengate'

@description('PostgreSQL administrator password; stored only in Key Vault (as part of the connection string).')
@secure()
@minLength(16)
param postgresAdministratorPassword string

@description('Azure Cache for Redis SKU: Basic (one node, no SLA) for a small setup, Standard or Premium (replicated) for production.')
param redisSku 'Basic' | 'Standard' | 'Premium' = 'Standard'

@description('Azure Cache for Redis capacity: C0-C6 (Standard), P1-P5 (Premium).')
@minValue(0)
@maxValue(6)
param redisCapacity int = 1

@description('Replication of the storage account for files and backups; the GRS kinds keep a copy in the paired region.')
param storageSku 'Standard_GRS' | 'Standard_RAGRS' | 'Standard_GZRS' | 'Standard_RAGZRS' = 'Standard_RAGZRS'

@description('Key Vault SKU: premium keeps the key-encryption key in an HSM.')
param keyVaultSku 'standard' | 'premium' = 'premium'

@description('Days Log Analytics keeps the diagnostics.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Address space of the virtual network (a /16 to a /21).')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Tags for every resource.')
param tags object = {}

var suffix = take(uniqueString(resourceGroup().id, namePrefix), 6)
var openAiNames = [for region in openAiRegions: '${namePrefix}-${region.location}-${suffix}']
var contentSafetyName = '${namePrefix}-safety-${suffix}'
var keyVaultName = '${namePrefix}-kv-${suffix}'
var storageName = toLower('${replace(namePrefix, '-', '')}files${suffix}')
var filesContainer = 'tokengate'

// Built-in role definitions, by the ids Azure publishes (docs: Azure built-in roles).
var roles = {
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-gateway-id'
  location: location
  tags: tags
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    name: namePrefix
    location: location
    addressPrefix: vnetAddressPrefix
    tags: tags
  }
}

// ---- Azure OpenAI, one account per region ----

module openAi 'modules/openai.bicep' = [for (region, i) in openAiRegions: {
  name: 'openai-${region.location}'
  params: {
    name: openAiNames[i]
    region: region
    chatModel: chatModel
    batchCapacity: i == batchRegionIndex ? batchCapacity : 0
    networkLocation: location
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    dnsZoneId: network.outputs.zoneIds.openai
    workspaceId: workspace.id
    gatewayIdentityId: identity.id
    gatewayPrincipalId: identity.properties.principalId
    tags: tags
  }
}]

// ---- Content Safety (Prompt Shields) ----

resource contentSafety 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: contentSafetyName
  location: contentSafetyLocation
  tags: tags
  kind: 'ContentSafety'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: contentSafetyName
    disableLocalAuth: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] }
  }
}

module contentSafetyEndpoint 'modules/privateEndpoint.bicep' = {
  name: 'content-safety-pe'
  params: {
    name: '${contentSafetyName}-pe'
    location: location
    subnetId: network.outputs.privateEndpointSubnetId
    serviceId: contentSafety.id
    groupId: 'account'
    dnsZoneId: network.outputs.zoneIds.cognitiveservices
    tags: tags
  }
}

resource contentSafetyDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: contentSafety
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspace.id
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource contentSafetyUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: contentSafety
  name: guid(contentSafety.id, identity.id, roles.cognitiveServicesUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.cognitiveServicesUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Key Vault: connection strings and the key-encryption key ----

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: keyVaultSku }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] }
  }
}

resource kek 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {
  parent: vault
  name: 'tokengate-kek'
  properties: {
    kty: keyVaultSku == 'premium' ? 'RSA-HSM' : 'RSA'
    keySize: 3072
    keyOps: [ 'wrapKey', 'unwrapKey' ]
    attributes: { enabled: true, exportable: false }
  }
}

module vaultEndpoint 'modules/privateEndpoint.bicep' = {
  name: 'vault-pe'
  params: {
    name: '${keyVaultName}-pe'
    location: location
    subnetId: network.outputs.privateEndpointSubnetId
    serviceId: vault.id
    groupId: 'vault'
    dnsZoneId: network.outputs.zoneIds.vault
    tags: tags
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: vault
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspace.id
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Crypto User on the key-encryption key only, not on every key of the vault.
resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: kek
  name: guid(kek.id, identity.id, roles.keyVaultCryptoUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Storage: file bytes, batch output and backups (ciphertext only), copied to the paired region ----

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    accessTier: 'Hot'
    publicNetworkAccess: 'Disabled'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: filesContainer
  properties: { publicAccess: 'None' }
}

module blobEndpoint 'modules/privateEndpoint.bicep' = {
  name: 'blob-pe'
  params: {
    name: '${storageName}-blob-pe'
    location: location
    subnetId: network.outputs.privateEndpointSubnetId
    serviceId: storage.id
    groupId: 'blob'
    dnsZoneId: network.outputs.zoneIds.blob
    tags: tags
  }
}

resource storageDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: storage
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspace.id
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: blobService
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspace.id
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

// On the container, not the account: the gateway reaches only its own container.
resource blobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: container
  name: guid(container.id, identity.id, roles.storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- PostgreSQL and Redis ----

module data 'modules/data.bicep' = {
  name: 'data'
  params: {
    name: '${namePrefix}-${suffix}'
    location: location
    postgresSkuName: postgresSkuName
    postgresTier: postgresTier
    postgresStorageGb: postgresStorageGb
    postgresHighAvailability: postgresHighAvailability
    postgresGeoRedundantBackup: postgresGeoRedundantBackup
    postgresAdministratorLogin: postgresAdministratorLogin
    postgresAdministratorPassword: postgresAdministratorPassword
    redisSku: redisSku
    redisCapacity: redisCapacity
    postgresSubnetId: network.outputs.postgresSubnetId
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    postgresDnsZoneId: network.outputs.zoneIds.postgres
    redisDnsZoneId: network.outputs.zoneIds.redis
    keyVaultName: vault.name
    workspaceId: workspace.id
    tags: tags
  }
}

// ---- Image pull ----

module acrPull 'modules/acrPull.bicep' = if (!empty(registryResourceId)) {
  name: 'acr-pull'
  scope: resourceGroup(split(registryResourceId, '/')[2], split(registryResourceId, '/')[4])
  params: {
    registryName: last(split(registryResourceId, '/'))
    identityId: identity.id
    principalId: identity.properties.principalId
  }
}

// ---- The gateway's configuration, generated from what this template deploys ----
// Two parts. gatewayConfiguration is known before anything is deployed (names, endpoints, Key Vault secret URLs) and is
// mounted as /config/gateway.json; gatewayEnvironment holds what only exists once resources do (the identity's client
// id, the key-encryption key's version) and is set as Tokengate__… environment variables, which the gateway reads after
// the file. Together they are the gateway's configuration; neither holds a secret (passwords are `keyvault:` references).

var vaultUri = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}'

var provisionedBackends = [for (region, i) in openAiRegions: region.ptuCapacity > 0 ? [ {
  Name: 'ptu-${region.location}'
  Endpoint: 'https://${openAiNames[i]}.openai.azure.com/'
  Deployment: '${chatModel.name}-ptu'
  Type: 'Provisioned'
  Priority: 0
  Region: region.location
  Model: chatModel.name
  Auth: 'EntraId'
} ] : []]

var paygBackends = [for (region, i) in openAiRegions: region.paygCapacity > 0 ? [ {
  Name: 'paygo-${region.location}'
  Endpoint: 'https://${openAiNames[i]}.openai.azure.com/'
  Deployment: chatModel.name
  Type: 'Standard'
  Priority: 1
  Region: region.location
  Model: chatModel.name
  Auth: 'EntraId'
} ] : []]

var batchBackends = batchCapacity > 0 ? [ {
  Name: 'batch-${openAiRegions[batchRegionIndex].location}'
  Endpoint: 'https://${openAiNames[batchRegionIndex]}.openai.azure.com/'
  Deployment: '${chatModel.name}-batch'
  Type: 'GlobalBatch'
  Region: openAiRegions[batchRegionIndex].location
  Model: chatModel.name
  Auth: 'EntraId'
} ] : []

var backends = concat(flatten(provisionedBackends), flatten(paygBackends), batchBackends)

// Redis even for one replica: a single instance on PostgreSQL is assessed as a fleet (assess rule shared-state), and
// scaling out is then only a change of maxReplicas.
var stateConfiguration = {
  Provider: 'Redis'
  InstanceCount: maxReplicas
  Redis: { ConnectionString: 'keyvault:${vaultUri}/secrets/tokengate-redis', KeyPrefix: 'tokengate:' }
}

var gatewayConfigurationValue = {
  Tokengate: {
    Pools: {
      '${chatModel.name}': {
        SpilloverUtilizationPercent: 90
        Backends: backends
      }
    }
    Data: {
      Directory: '/data'
      Provider: 'PostgreSql'
      ConnectionString: 'keyvault:${vaultUri}/secrets/tokengate-postgres'
    }
    State: stateConfiguration
    Secrets: {
      FilePath: '/data/secrets.enc'
      KeyPath: '/data/secrets.key'
    }
    Files: {
      Store: 'AzureBlob'
      AzureBlob: {
        ServiceUri: 'https://${storageName}.blob.${environment().suffixes.storage}'
        Container: filesContainer
      }
    }
    Encryption: {
      KeyVaultAlgorithm: 'RSA-OAEP-256'
    }
    Screening: {
      Default: {
        Mode: screeningMode
        Detectors: [ 'rules', 'builtin', 'promptshields' ]
      }
      PromptShields: {
        Endpoint: 'https://${contentSafetyName}.cognitiveservices.azure.com/'
      }
    }
  }
}

var clientId = identity.properties.clientId

// Every backend, Key Vault, Blob Storage and Prompt Shields sign in with the gateway's user-assigned identity.
var gatewayEnvironmentValue = union(
  toObject(range(0, length(backends)), i => 'Tokengate__Pools__${chatModel.name}__Backends__${i}__ManagedIdentityClientId', i => clientId),
  {
    Tokengate__Secrets__KeyVaultManagedIdentityClientId: clientId
    Tokengate__Files__AzureBlob__ManagedIdentityClientId: clientId
    Tokengate__Encryption__KeyVaultKey: kek.properties.keyUriWithVersion
    Tokengate__Encryption__KeyVaultManagedIdentityClientId: clientId
    Tokengate__Screening__PromptShields__ManagedIdentityClientId: clientId
  }
)

module gateway 'modules/gateway.bicep' = {
  name: 'gateway'
  params: {
    name: namePrefix
    location: location
    subnetId: network.outputs.appsSubnetId
    externalIngress: externalIngress
    image: image
    registryServer: registryServer
    cpu: replicaCpu
    memory: replicaMemory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    identityId: identity.id
    identityClientId: clientId
    configurationJson: string(gatewayConfigurationValue)
    configurationEnvironment: gatewayEnvironmentValue
    workspaceId: workspace.id
    tags: tags
  }
  // The app starts only once its identity may read what its configuration names, and the secrets exist.
  dependsOn: [ openAi, data, acrPull, contentSafetyUser, secretsUser, cryptoUser, blobContributor, vaultEndpoint, blobEndpoint, contentSafetyEndpoint ]
}

@description('The gateway\'s configuration file as mounted into the app (/config/gateway.json): references, no secret.')
output gatewayConfiguration object = gatewayConfigurationValue

@description('The Tokengate__… environment variables the app gets on top of the file (values known only after deployment).')
output gatewayEnvironment object = gatewayEnvironmentValue

@description('The gateway\'s URL.')
output gatewayUrl string = gateway.outputs.url

@description('Client id of the gateway\'s managed identity.')
output gatewayIdentityClientId string = clientId

@description('Endpoints of the Azure OpenAI accounts.')
output openAiEndpoints string[] = [for i in range(0, length(openAiRegions)): openAi[i].outputs.endpoint]
