using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tandem.Observability.Admin;

/// <summary>Applies <see cref="AdminAccess"/> in front of every admin route, including those other features map.</summary>
public static class AdminAccessMiddleware
{
    public static IApplicationBuilder UseTandemAdminAccess(this IApplicationBuilder app, AdminAccess access)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(access);
        return app.Use(async (context, next) =>
        {
            if (access.Requires(context.Request) && !access.IsAuthorized(context.Request))
            {
                var message = context.Request.Headers.Authorization.Count == 0
                    ? "this request needs the admin token: send Authorization: Bearer TOKEN (admin.token-file)"
                    : "the admin token does not match";
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"tandem\"";
                await AdminEndpoints.Error(StatusCodes.Status401Unauthorized, message).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}
