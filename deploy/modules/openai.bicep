// One Azure OpenAI account in one region: no public network access, no keys (Entra ID only), a private endpoint in
// the gateway's network, diagnostics to Log Analytics, and its deployments of the chat model: provisioned (PTU),
// pay-as-you-go and, where asked, Global Batch. The gateway's identity gets Cognitive Services OpenAI User on it.

import { openAiRegion, model } from '../types.bicep'

@description('Name (and custom subdomain) of the account.')
param name string

@description('The region and its deployments.')
param region openAiRegion

@description('The chat model every deployment serves.')
param chatModel model

@description('Global Batch enqueued-token quota in thousands of tokens; 0 deploys no batch deployment here.')
param batchCapacity int

@description('Region of the private endpoint (the virtual network\'s).')
param networkLocation string

@description('Subnet of the private endpoints.')
param privateEndpointSubnetId string

@description('Private DNS zone privatelink.openai.azure.com.')
param dnsZoneId string

@description('Log Analytics workspace that receives the diagnostics.')
param workspaceId string

@description('Resource id of the gateway\'s managed identity (names the role assignment).')
param gatewayIdentityId string

@description('Principal id of the gateway\'s managed identity.')
param gatewayPrincipalId string

@description('Tags for every resource.')
param tags object

// Cognitive Services OpenAI User: inference calls, no keys, no deployment management.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: region.location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] }
    restrictOutboundNetworkAccess: true
    allowedFqdnList: []
  }
}

// Deployments of one account are created one after another: Azure refuses concurrent changes to one account.
resource provisioned 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = if (region.ptuCapacity > 0) {
  parent: account
  name: '${chatModel.name}-ptu'
  sku: { name: region.ptuSku, capacity: region.ptuCapacity }
  properties: {
    model: { format: 'OpenAI', name: chatModel.name, version: chatModel.version }
    versionUpgradeOption: 'NoAutoUpgrade'
  }
}

resource payg 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = if (region.paygCapacity > 0) {
  parent: account
  name: chatModel.name
  sku: { name: region.paygSku, capacity: region.paygCapacity }
  properties: {
    model: { format: 'OpenAI', name: chatModel.name, version: chatModel.version }
    versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
  }
  dependsOn: [ provisioned ]
}

resource batch 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = if (batchCapacity > 0) {
  parent: account
  name: '${chatModel.name}-batch'
  sku: { name: 'GlobalBatch', capacity: batchCapacity }
  properties: {
    model: { format: 'OpenAI', name: chatModel.name, version: chatModel.version }
    versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
  }
  dependsOn: [ payg ]
}

module endpoint 'privateEndpoint.bicep' = {
  name: '${name}-pe'
  params: {
    name: '${name}-pe'
    location: networkLocation
    subnetId: privateEndpointSubnetId
    serviceId: account.id
    groupId: 'account'
    dnsZoneId: dnsZoneId
    tags: tags
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: account
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, gatewayIdentityId, openAiUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: gatewayPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output id string = account.id
output endpoint string = account.properties.endpoint
