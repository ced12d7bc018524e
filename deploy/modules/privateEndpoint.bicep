// A private endpoint for one sub-resource of a service, registered in its private DNS zone.

@description('Name of the private endpoint.')
param name string

@description('Region of the private endpoint: the virtual network\'s, whatever the service\'s region.')
param location string

@description('Subnet the endpoint takes its address from.')
param subnetId string

@description('The service the endpoint connects to.')
param serviceId string

@description('The sub-resource: account, vault, blob, redisCache.')
param groupId string

@description('The private DNS zone the endpoint registers its address in.')
param dnsZoneId string

@description('Tags for every resource.')
param tags object

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: serviceId
          groupIds: [ groupId ]
        }
      }
    ]
  }
}

resource dnsGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [ { name: groupId, properties: { privateDnsZoneId: dnsZoneId } } ]
  }
}
