using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SchedulerAndOutboxParking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_inbox_state_consumed",
                table: "inbox_state");

            migrationBuilder.AddColumn<int>(
                name: "failed_attempts",
                table: "scheduled_message",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "scheduled_message",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "next_attempt_at",
                table: "scheduled_message",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Rows stored before this migration are tried at their due time, as before (not at the column's default).
            migrationBuilder.Sql("UPDATE scheduled_message SET next_attempt_at = due_time;");

            migrationBuilder.AddColumn<DateTime>(
                name: "parked_at",
                table: "scheduled_message",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "failed_deliveries",
                table: "inbox_state",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "last_delivery_error",
                table: "inbox_state",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "next_delivery_at",
                table: "inbox_state",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "parked",
                table: "inbox_state",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_message_parked",
                table: "scheduled_message",
                column: "parked_at",
                filter: "parked_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_message_to_send",
                table: "scheduled_message",
                column: "next_attempt_at",
                filter: "NOT cancelled AND parked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_state_parked",
                table: "inbox_state",
                column: "parked",
                filter: "parked IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_state_to_deliver",
                table: "inbox_state",
                column: "consumed",
                filter: "consumed IS NOT NULL AND delivered IS NULL AND parked IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_scheduled_message_parked",
                table: "scheduled_message");

            migrationBuilder.DropIndex(
                name: "IX_scheduled_message_to_send",
                table: "scheduled_message");

            migrationBuilder.DropIndex(
                name: "IX_inbox_state_parked",
                table: "inbox_state");

            migrationBuilder.DropIndex(
                name: "IX_inbox_state_to_deliver",
                table: "inbox_state");

            migrationBuilder.DropColumn(
                name: "failed_attempts",
                table: "scheduled_message");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "scheduled_message");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "scheduled_message");

            migrationBuilder.DropColumn(
                name: "parked_at",
                table: "scheduled_message");

            migrationBuilder.DropColumn(
                name: "failed_deliveries",
                table: "inbox_state");

            migrationBuilder.DropColumn(
                name: "last_delivery_error",
                table: "inbox_state");

            migrationBuilder.DropColumn(
                name: "next_delivery_at",
                table: "inbox_state");

            migrationBuilder.DropColumn(
                name: "parked",
                table: "inbox_state");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_state_consumed",
                table: "inbox_state",
                column: "consumed");
        }
    }
}
