using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Messaging;

/// <summary>
/// The parts of <c>ConnectionStrings__RabbitMq</c> a client connects with, read one way for the bus and for the
/// watchdog's probe: the default port per scheme, the virtual host from the path, the login percent-decoded.
/// </summary>
public sealed record AmqpAddress(string Host, int Port, string VirtualHost, string? UserName, string? Password, bool UsesTls)
{
    public static AmqpAddress Of(Uri amqp)
    {
        var usesTls = amqp.Scheme == "amqps";
        var userInfo = amqp.UserInfo.Split(':', 2);
        return new AmqpAddress(
            amqp.Host,
            amqp.IsDefaultPort ? (usesTls ? 5671 : 5672) : amqp.Port,
            ServiceParts.VirtualHostOf(amqp),
            userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
            usesTls);
    }

    // The password stays out of logs and exceptions that print this record.
    public override string ToString() => $"{Host}:{Port}/{VirtualHost}";
}
