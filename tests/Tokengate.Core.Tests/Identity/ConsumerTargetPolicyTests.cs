namespace Tokengate.Identity;

/// <summary>
/// The least-privilege rule on its own: every caller role set against every target role set, with the expected
/// answer worked out here independently of the policy (admin acts on anyone; operator only on plain consumers;
/// nobody else on anybody).
/// </summary>
public sealed class ConsumerTargetPolicyTests
{
    private static readonly string[][] CallerRoleSets =
    [
        [],
        [Roles.Consumer],
        [Roles.Reader],
        [Roles.Reader, Roles.Consumer],
        [Roles.Operator],
        [Roles.Operator, Roles.Consumer],
        [Roles.Operator, Roles.Reader],
        [Roles.Admin],
        [Roles.Admin, Roles.Consumer],
        [Roles.Consumer, Roles.Admin, Roles.Operator],
    ];

    private static readonly string[][] TargetRoleSets =
    [
        [],
        [Roles.Consumer],
        [Roles.Reader],
        [Roles.Operator],
        [Roles.Admin],
        [Roles.Consumer, Roles.Reader],
        [Roles.Consumer, Roles.Operator],
        [Roles.Consumer, Roles.Admin],
        ["CONSUMER"],
        ["superuser"],
    ];

    public static TheoryData<string, string, bool> Matrix()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var caller in CallerRoleSets)
        {
            foreach (var target in TargetRoleSets)
            {
                var isAdmin = caller.Contains(Roles.Admin);
                var isOperator = isAdmin || caller.Contains(Roles.Operator);
                var onlyConsumer = target.All(r => string.Equals(r, Roles.Consumer, StringComparison.OrdinalIgnoreCase));
                data.Add(string.Join(',', caller), string.Join(',', target), isAdmin || (isOperator && onlyConsumer));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void MayActOn_CallerRolesAgainstTargetRoles_AdminAnyoneOperatorPlainConsumersOnly(string callerRoles, string targetRoles, bool expected)
    {
        Assert.Equal(expected, ConsumerTargetPolicy.MayActOn(Set(callerRoles), Split(targetRoles)));

        var refusal = ConsumerTargetPolicy.Check(Caller("someone", callerRoles), "target", Split(targetRoles));
        if (expected)
        {
            Assert.Null(refusal);
            return;
        }
        Assert.NotNull(refusal);
        Assert.Equal((403, "PermissionDenied"), (refusal.Status, refusal.Code));
        Assert.Contains("'someone'", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("consumer 'target'", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "admin", true)]
    [InlineData("admin", "superuser", true)]
    [InlineData("operator", "consumer", true)]
    [InlineData("operator", "Consumer", true)]
    [InlineData("operator", "reader", false)]
    [InlineData("operator", "operator", false)]
    [InlineData("operator", "admin", false)]
    [InlineData("reader", "consumer", false)]
    [InlineData("consumer", "consumer", false)]
    [InlineData("", "consumer", false)]
    public void CanGrant_Role_OnlyAdminGrantsManagementRoles(string callerRoles, string role, bool expected) =>
        Assert.Equal(expected, ConsumerTargetPolicy.CanGrant(Set(callerRoles), role));

    [Fact]
    public void CanGrant_CallerRolesInAnotherCase_CountAsTheRole() =>
        Assert.True(ConsumerTargetPolicy.CanGrant(Set("ADMIN"), Roles.Operator));

    [Fact]
    public void Check_Refused_NamesBothSidesRolesAndNoCredential()
    {
        var refusal = ConsumerTargetPolicy.Check(Caller("ops", "operator,consumer"), "boss", [Roles.Admin, Roles.Consumer]);
        Assert.NotNull(refusal);
        Assert.Equal(
            "'ops' (roles: consumer, operator) may not act on consumer 'boss' (roles: admin, consumer): only a principal that could grant every role a consumer holds may change it or receive its keys.",
            refusal.Message);
    }

    private static AdminCaller Caller(string name, string roles) => new(new AuditActor(name, "10.0.0.1"), Set(roles));

    private static HashSet<string> Set(string roles) => new(Split(roles), StringComparer.OrdinalIgnoreCase);

    private static string[] Split(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
