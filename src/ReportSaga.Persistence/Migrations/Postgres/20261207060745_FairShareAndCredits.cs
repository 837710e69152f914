using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FairShareAndCredits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_submission_slot_waiting",
                table: "submission_slot");

            migrationBuilder.AddColumn<long>(
                name: "estimated_credits",
                table: "submission_slot",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "held_at",
                table: "submission_slot",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<short>(
                name: "priority",
                table: "submission_slot",
                type: "smallint",
                nullable: false,
                // Entries already waiting keep normal priority (1), not low (0).
                defaultValue: (short)1);

            migrationBuilder.AddColumn<string>(
                name: "refusal",
                table: "submission_slot",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "requested_by",
                table: "submission_slot",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "priority",
                table: "report_state",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_credits",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    remaining_credits = table.Column<long>(type: "bigint", nullable: false),
                    read_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_credits", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "credit_charge",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    credits = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credit_charge", x => x.request_id);
                });

            // Entries already in line take their report's requester and estimate, so fair share and the account
            // guard see them as the reports they are.
            migrationBuilder.Sql(
                "UPDATE submission_slot SET " +
                "requested_by = COALESCE((SELECT r.requested_by FROM report_state r WHERE r.correlation_id = submission_slot.request_id), ''), " +
                "estimated_credits = COALESCE((SELECT r.estimated_credits FROM report_state r WHERE r.correlation_id = submission_slot.request_id), 0)");

            migrationBuilder.CreateIndex(
                name: "ix_submission_slot_waiting",
                table: "submission_slot",
                columns: new[] { "priority", "requested_by", "queued_at", "request_id" },
                filter: "granted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_credit_charge_day",
                table: "credit_charge",
                columns: new[] { "day", "requested_by" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_credits");

            migrationBuilder.DropTable(
                name: "credit_charge");

            migrationBuilder.DropIndex(
                name: "ix_submission_slot_waiting",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "estimated_credits",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "held_at",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "priority",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "refusal",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "submission_slot");

            migrationBuilder.DropColumn(
                name: "priority",
                table: "report_state");

            migrationBuilder.CreateIndex(
                name: "ix_submission_slot_waiting",
                table: "submission_slot",
                columns: new[] { "queued_at", "request_id" },
                filter: "granted_at IS NULL");
        }
    }
}
