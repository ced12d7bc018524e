namespace Tokengate.Storage;

/// <summary>A feature's schema: each feature that stores records registers one (<c>services.AddSingleton&lt;IMigrationSource, ...&gt;()</c>).</summary>
internal interface IMigrationSource
{
    IEnumerable<Migration> Migrations { get; }
}
