// The virtual network the gateway runs in and reaches every service through: a subnet for the Container Apps
// environment, one for private endpoints, one delegated to PostgreSQL Flexible Server, and the private DNS zones that
// make each service's usual host name resolve to its private endpoint.

@description('Name prefix of the network resources.')
param name string

@description('Region of the virtual network (private endpoints of services in other regions land here too).')
param location string

@description('Address space of the virtual network; the subnets take /23, /24 and /24 of it.')
param addressPrefix string

@description('Tags for every resource.')
param tags object

var zoneNames = {
  openai: 'privatelink.openai.azure.com'
  cognitiveservices: 'privatelink.cognitiveservices.azure.com'
  vault: 'privatelink.vaultcore.azure.net'
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  redis: 'privatelink.redis.cache.windows.net'
  postgres: 'private.postgres.database.azure.com'
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${name}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ addressPrefix ] }
    subnets: [
      {
        name: 'apps'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 23, 0)
          delegations: [ { name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 2)
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 3)
          delegations: [ { name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } } ]
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for zone in items(zoneNames): {
  name: zone.value
  location: 'global'
  tags: tags
}]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (zone, i) in items(zoneNames): {
  parent: zones[i]
  name: '${name}-vnet'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnet.id }
  }
}]

output vnetId string = vnet.id
output appsSubnetId string = vnet.properties.subnets[0].id
output privateEndpointSubnetId string = vnet.properties.subnets[1].id
output postgresSubnetId string = vnet.properties.subnets[2].id
@description('Resource id of each private DNS zone, by service: openai, cognitiveservices, vault, blob, redis, postgres.')
output zoneIds object = toObject(items(zoneNames), zone => zone.key, zone => resourceId('Microsoft.Network/privateDnsZones', zone.value))
