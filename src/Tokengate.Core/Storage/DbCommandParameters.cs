using System.Data.Common;

namespace Tokengate.Storage;

/// <summary>Named parameters that read the same on SQLite and PostgreSQL (<c>@name</c>).</summary>
internal static class DbCommandParameters
{
    public static DbCommand AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
