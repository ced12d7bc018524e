// AcrPull for the gateway's identity on the registry its image comes from (often in another resource group): deployed
// at the registry's resource group, before the app, so that the first revision can pull its image.

@description('Name of the container registry.')
param registryName string

@description('Resource id of the gateway\'s managed identity (names the role assignment).')
param identityId string

@description('Principal id of the gateway\'s managed identity.')
param principalId string

// AcrPull: pull images, nothing else.
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, identityId, acrPullRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
