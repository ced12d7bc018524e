// The shared state a fleet of gateway replicas needs: PostgreSQL Flexible Server (durable records: consumers, keys,
// audit, the usage ledger) with private access only, and Azure Cache for Redis (rate-limit counters, budgets, backend
// health) behind a private endpoint. Their connection strings go to Key Vault
// as secrets, which the gateway reads with `keyvault:` references: no password is in its configuration.

@description('Name prefix of the data resources.')
param name string

@description('Region of the data resources.')
param location string

@description('PostgreSQL compute SKU name, e.g. Standard_B1ms or Standard_D2ds_v5.')
param postgresSkuName string

@description('PostgreSQL compute tier matching the SKU.')
param postgresTier 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized'

@description('PostgreSQL storage in GiB.')
param postgresStorageGb int

@description('Zone-redundant high availability (a standby in another zone) for PostgreSQL.')
param postgresHighAvailability bool

@description('Geo-redundant backups for PostgreSQL (restorable in the paired region).')
param postgresGeoRedundantBackup bool

@description('PostgreSQL administrator login.')
param postgresAdministratorLogin string

@description('PostgreSQL administrator password.')
@secure()
param postgresAdministratorPassword string

@description('Azure Cache for Redis SKU.')
param redisSku 'Basic' | 'Standard' | 'Premium'

@description('Azure Cache for Redis capacity (C0–C6 for Basic and Standard, P1–P5 for Premium).')
param redisCapacity int

@description('Subnet delegated to PostgreSQL Flexible Server.')
param postgresSubnetId string

@description('Subnet of the private endpoints.')
param privateEndpointSubnetId string

@description('Private DNS zone of PostgreSQL private access.')
param postgresDnsZoneId string

@description('Private DNS zone privatelink.redis.cache.windows.net.')
param redisDnsZoneId string

@description('Key Vault that receives the connection strings.')
param keyVaultName string

@description('Log Analytics workspace that receives the diagnostics.')
param workspaceId string

@description('Tags for every resource.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${name}-pg'
  location: location
  tags: tags
  sku: { name: postgresSkuName, tier: postgresTier }
  properties: {
    version: '16'
    administratorLogin: postgresAdministratorLogin
    administratorLoginPassword: postgresAdministratorPassword
    storage: { storageSizeGB: postgresStorageGb, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 35, geoRedundantBackup: postgresGeoRedundantBackup ? 'Enabled' : 'Disabled' }
    highAvailability: { mode: postgresHighAvailability ? 'ZoneRedundant' : 'Disabled' }
    network: {
      publicNetworkAccess: 'Disabled'
      delegatedSubnetResourceId: postgresSubnetId
      privateDnsZoneArmResourceId: postgresDnsZoneId
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'tokengate'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

resource postgresDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: postgres
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource postgresConnection 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'tokengate-postgres'
  properties: {
    contentType: 'Npgsql connection string'
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Database=${database.name};Username=${postgresAdministratorLogin};Password=${postgresAdministratorPassword};SSL Mode=VerifyFull'
  }
}

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: '${name}-redis'
  location: location
  tags: tags
  properties: {
    sku: { name: redisSku, family: redisSku == 'Premium' ? 'P' : 'C', capacity: redisCapacity }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    redisVersion: '6'
  }
}

module redisEndpoint 'privateEndpoint.bicep' = {
  name: '${name}-redis-pe'
  params: {
    name: '${name}-redis-pe'
    location: location
    subnetId: privateEndpointSubnetId
    serviceId: redis.id
    groupId: 'redisCache'
    dnsZoneId: redisDnsZoneId
    tags: tags
  }
}

resource redisDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: redis
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource redisConnection 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'tokengate-redis'
  properties: {
    contentType: 'StackExchange.Redis configuration string'
    value: '${redis.properties.hostName}:6380,password=${redis.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
}

@description('Key Vault secret URI (without version) of the Npgsql connection string.')
output postgresConnectionSecretUri string = '${vault.properties.vaultUri}secrets/${postgresConnection.name}'

@description('Key Vault secret URI (without version) of the Redis configuration string.')
output redisConnectionSecretUri string = '${vault.properties.vaultUri}secrets/${redisConnection.name}'
