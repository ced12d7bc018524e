// Types the template's parameters share with its modules.

@export()
@description('An Azure OpenAI account in one region and the capacity of its chat deployments.')
type openAiRegion = {
  @description('Azure region of the account, e.g. swedencentral.')
  location: string

  @description('Provisioned throughput units of the PTU deployment; 0 deploys none. Minimums and steps depend on the model and SKU.')
  @minValue(0)
  ptuCapacity: int

  @description('SKU of the PTU deployment.')
  ptuSku: 'GlobalProvisionedManaged' | 'DataZoneProvisionedManaged' | 'ProvisionedManaged'

  @description('Pay-as-you-go quota in thousands of tokens per minute; 0 deploys none.')
  @minValue(0)
  paygCapacity: int

  @description('SKU of the pay-as-you-go deployment.')
  paygSku: 'GlobalStandard' | 'DataZoneStandard' | 'Standard'
}

@export()
@description('A model and version, as Azure OpenAI names them.')
type model = {
  @description('Model name, e.g. gpt-4o.')
  name: string

  @description('Model version, e.g. 2024-11-20.')
  version: string
}
