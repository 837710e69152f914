using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SubmissionSlotsAndStepTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "step_token",
                table: "report_state",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "submission_slot",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    queued_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    granted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    claimed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_submission_slot", x => x.request_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_submission_slot_granted",
                table: "submission_slot",
                column: "granted_at",
                filter: "granted_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_submission_slot_waiting",
                table: "submission_slot",
                columns: new[] { "queued_at", "request_id" },
                filter: "granted_at IS NULL");

            // Reports in flight move from the old gate row to entries of their own: queued ones wait in line (in the
            // order they last moved), the ones past the gate hold their slot.
            migrationBuilder.Sql(
                "INSERT INTO submission_slot (request_id, queued_at, granted_at, claimed) " +
                "SELECT correlation_id, strftime('%Y-%m-%d %H:%M:%f', 'now'), NULL, 0 FROM report_state WHERE current_state = 'Queued'");
            migrationBuilder.Sql(
                "INSERT INTO submission_slot (request_id, queued_at, granted_at, claimed) " +
                "SELECT correlation_id, strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'), 1 FROM report_state WHERE current_state IN ('Submitting', 'Waiting', 'Retrying')");

            migrationBuilder.DropTable(
                name: "submission_gate_state");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "submission_slot");

            migrationBuilder.DropColumn(
                name: "step_token",
                table: "report_state");

            migrationBuilder.CreateTable(
                name: "submission_gate_state",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    current_state = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    holders = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    waiting = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_submission_gate_state", x => x.correlation_id);
                });
        }
    }
}
