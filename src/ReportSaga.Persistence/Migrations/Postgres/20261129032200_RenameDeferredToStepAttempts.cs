using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReportSaga.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RenameDeferredToStepAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "deferred_attempts",
                table: "report_state",
                newName: "step_attempts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "step_attempts",
                table: "report_state",
                newName: "deferred_attempts");
        }
    }
}
