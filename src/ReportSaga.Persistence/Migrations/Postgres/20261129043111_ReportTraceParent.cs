using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "report_state",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "report_state");
        }
    }
}
