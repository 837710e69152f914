using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "report_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    @event = table.Column<string>(name: "event", type: "TEXT", maxLength: 64, nullable: false),
                    from_state = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    to_state = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    provider_status = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    call = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_history", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_report_state_created_at_correlation_id",
                table: "report_state",
                columns: new[] { "created_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "IX_report_history_request_id_id",
                table: "report_history",
                columns: new[] { "request_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "report_history");

            migrationBuilder.DropIndex(
                name: "IX_report_state_created_at_correlation_id",
                table: "report_state");
        }
    }
}
