using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SubmissionSlotTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "submission_slot",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            // Entries made before this column: their reports' own trace parents.
            migrationBuilder.Sql(
                "UPDATE submission_slot SET trace_parent = (SELECT r.trace_parent FROM report_state r WHERE r.correlation_id = submission_slot.request_id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "submission_slot");
        }
    }
}
